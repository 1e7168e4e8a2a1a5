import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrate, openDatabase, type Database } from "@crm-sync/db";
import { createTestDatabase, gate, POSTGRES_ADMIN_URL, postgresMissing, type TestDatabase } from "@crm-sync/testing";
import { cutoverExport, fillOldScriptTable, OLD_SCRIPT_TABLE } from "../support/old-script-table.ts";

type Outcome = { ok: true; n: number } | { ok: false; sqlState: string };

/** Counts what `role` sees with `query`, in a transaction that is always rolled back. */
async function countAs(db: Database, role: string, query: string): Promise<Outcome> {
  let outcome: Outcome | undefined;
  const rollback = new Error("rollback");
  await db.sql
    .begin(async (tx) => {
      await tx.unsafe(`set local role ${role}`);
      try {
        const [row] = await tx.unsafe<{ n: number }[]>(query);
        outcome = { ok: true, n: row?.n ?? -1 };
      } catch (error) {
        outcome = { ok: false, sqlState: String((error as { code?: unknown }).code) };
      }
      throw rollback;
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  if (outcome === undefined) throw new Error("no outcome");
  return outcome;
}

const DENIED = { ok: false, sqlState: "42501" };

describe.skipIf(gate("Postgres", await postgresMissing()))("who can read after the old script's table is adopted (Postgres)", () => {
  let database: TestDatabase;
  let db: Database;
  const reader = `club_reader_${randomBytes(4).toString("hex")}`;
  const hidden = `club_hidden_${randomBytes(4).toString("hex")}`;

  beforeEach(async () => {
    database = await createTestDatabase("crm_sync_grants");
    db = await openDatabase(database.url, { max: 1 });
    await db.sql.unsafe(`create role ${reader} nologin; create role ${hidden} nologin`);
    await db.sql.unsafe(OLD_SCRIPT_TABLE);
    await fillOldScriptTable(db.sql, cutoverExport(50), "old-script-20261205");
  });
  afterEach(async () => {
    await db.close();
    await database.drop();
    const admin = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`drop role if exists ${reader}; drop role if exists ${hidden}`);
    } finally {
      await admin.end();
    }
  });

  it("keeps a role that read the table reading the view, active rows only, and writing nothing; others gain nothing", async () => {
    await db.sql.unsafe(`grant usage on schema backoffice to ${reader}; grant select on backoffice.customers to ${reader}`);
    expect(await countAs(db, reader, "select count(*)::int as n from backoffice.customers")).toEqual({ ok: true, n: 50 });
    await migrate(db);
    await db.sql`update crm_sync.customers set deleted_at = now() where legacy_id <= 5`;

    expect(await countAs(db, reader, "select count(*)::int as n from backoffice.customers")).toEqual({ ok: true, n: 45 });
    // The view reads with the reader's rights; a policy shows it the active rows, never a vanished customer.
    expect(await countAs(db, reader, "select count(*)::int as n from crm_sync.customers")).toEqual({ ok: true, n: 45 });
    expect(await countAs(db, reader, "delete from backoffice.customers")).toEqual(DENIED);
    expect(await countAs(db, reader, "select count(*)::int as n from crm_sync.customer_changes")).toEqual(DENIED);
    for (const role of [hidden, "anon", "authenticated"]) {
      expect(await countAs(db, role, "select count(*)::int as n from backoffice.customers"), role).toEqual(DENIED);
      expect(await countAs(db, role, "select count(*)::int as n from crm_sync.customers"), role).toEqual(DENIED);
    }
  });

  it("does not open the view to a role the old table's row-level security showed nothing", async () => {
    await db.sql.unsafe(`grant usage on schema backoffice to ${reader}; grant select on backoffice.customers to ${reader};
                         alter table backoffice.customers enable row level security`);
    expect(await countAs(db, reader, "select count(*)::int as n from backoffice.customers")).toEqual({ ok: true, n: 0 });
    await migrate(db);
    expect(await countAs(db, reader, "select count(*)::int as n from backoffice.customers")).toEqual(DENIED);
  });
});
