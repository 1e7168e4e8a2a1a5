import { copyFile, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TransactionSql } from "postgres";
import { DEFAULT_MIGRATIONS_DIR, migrate, openDatabase, type Database } from "@crm-sync/db";
import { createTestDatabase, gate, postgresMissing, type TestDatabase } from "@crm-sync/testing";
import { seedSyntheticData, SYNTHETIC_RUNS } from "./support/synthetic-data.ts";

const RLS_MIGRATION = "20261126000100_row_level_security.sql";

type Outcome<T> = { ok: true; value: T } | { ok: false; sqlState: string };

/**
 * Runs `work` as `role` (what PostgREST does for a request) in a transaction that is always
 * rolled back, so every check starts from the same data. `asOwnerFirst` runs before the switch.
 */
async function asRole<T>(db: Database, role: "anon" | "authenticated", work: (tx: TransactionSql) => Promise<T>, asOwnerFirst?: string): Promise<Outcome<T>> {
  const rollback = new Error("rollback");
  let outcome: Outcome<T> | undefined;
  await db.sql
    .begin(async (tx) => {
      if (asOwnerFirst !== undefined) await tx.unsafe(asOwnerFirst);
      await tx.unsafe(`set local role ${role}`);
      try {
        outcome = { ok: true, value: await work(tx) };
      } catch (error) {
        outcome = { ok: false, sqlState: String((error as { code?: unknown }).code) };
      }
      throw rollback;
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  if (outcome === undefined) throw new Error("asRole: no outcome");
  return outcome;
}

const PERMISSION_DENIED = { ok: false, sqlState: "42501" };

/** Who may do what, as the catalog says: a fingerprint that must not change when the file runs again. */
async function accessFingerprint(db: Database) {
  const policies = await db.sql`select schemaname, tablename, policyname, roles::text, cmd, qual from pg_policies order by 1, 2, 3`;
  const tables = await db.sql`
    select n.nspname as schema, c.relname as name, c.relrowsecurity as rls,
           has_table_privilege('anon', c.oid, 'select') as anon_select,
           has_table_privilege('authenticated', c.oid, 'select') as staff_select,
           has_table_privilege('authenticated', c.oid, 'insert, update, delete') as staff_write
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('backoffice', 'crm_sync') and c.relkind in ('r', 'p')
    order by 1, 2`;
  return { policies: [...policies], tables: [...tables] };
}

function rowLevelSecuritySuite(open: () => Promise<{ db: Database; close: () => Promise<void> }>) {
  let db: Database;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, close } = await open());
    expect(await migrate(db)).toContain(RLS_MIGRATION);
    await seedSyntheticData(db.sql);
  });
  afterAll(async () => {
    await close();
  });

  it("enables row level security on every table in backoffice and crm_sync", async () => {
    const open = await db.sql`
      select n.nspname || '.' || c.relname as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('backoffice', 'crm_sync') and c.relkind in ('r', 'p') and not c.relrowsecurity`;
    expect(open).toEqual([]);
  });

  it("gives anon nothing: runs, customers, other crm_sync tables and freshness() are refused", async () => {
    expect(await asRole(db, "anon", (tx) => tx`select id from crm_sync.runs`)).toEqual(PERMISSION_DENIED);
    expect(await asRole(db, "anon", (tx) => tx`select id from backoffice.customers`)).toEqual(PERMISSION_DENIED);
    expect(await asRole(db, "anon", (tx) => tx`select subject from crm_sync.alerts`)).toEqual(PERMISSION_DENIED);
    expect(await asRole(db, "anon", (tx) => tx`select * from crm_sync.freshness()`)).toEqual(PERMISSION_DENIED);
  });

  it("shows anon zero customer rows even if grants slip in, because the view reads with anon's rights and no policy admits it", async () => {
    // The view runs as its reader (security_invoker), so a grant on it alone opens nothing…
    const onTheView = "grant usage on schema backoffice to anon; grant select on backoffice.customers to anon";
    expect(await asRole(db, "anon", (tx) => tx`select count(*)::int as n from backoffice.customers`, onTheView)).toEqual(PERMISSION_DENIED);
    // …and with the table granted too, row-level security on crm_sync.customers still shows no row.
    const onBoth = `${onTheView}; grant usage on schema crm_sync to anon; grant select on crm_sync.customers to anon`;
    expect(await asRole(db, "anon", (tx) => tx`select count(*)::int as n from backoffice.customers`, onBoth)).toEqual({ ok: true, value: [{ n: 0 }] });
    expect(await asRole(db, "anon", (tx) => tx`select count(*)::int as n from crm_sync.customers`, onBoth)).toEqual({ ok: true, value: [{ n: 0 }] });
  });

  it("lets authenticated staff read runs and freshness, but not customers or other crm_sync tables", async () => {
    const runs = await asRole(db, "authenticated", (tx) => tx<{ id: string }[]>`select id from crm_sync.runs order by requested_at desc`);
    expect(runs).toEqual({ ok: true, value: [{ id: SYNTHETIC_RUNS.queued }, { id: SYNTHETIC_RUNS.failed }, { id: SYNTHETIC_RUNS.succeeded }] });

    expect(await asRole(db, "authenticated", (tx) => tx`select id from backoffice.customers`)).toEqual(PERMISSION_DENIED);
    for (const table of ["customers", "customer_changes", "processed_messages", "alerts", "alert_emails", "alert_chats", "schema_migrations"]) {
      expect(await asRole(db, "authenticated", (tx) => tx.unsafe(`select * from crm_sync.${table}`)), table).toEqual(PERMISSION_DENIED);
    }
    expect(await asRole(db, "authenticated", (tx) => tx`update crm_sync.runs set stage = 'done'`)).toEqual(PERMISSION_DENIED);
    expect(await asRole(db, "authenticated", (tx) => tx`delete from crm_sync.runs`)).toEqual(PERMISSION_DENIED);
  });

  it("lets staff read the run_status view (the button's status), and nobody write through it", async () => {
    const rows = await asRole(db, "authenticated", (tx) => tx<{ id: string; status: string }[]>`select id, status from crm_sync.run_status order by requested_at desc`);
    expect(rows).toEqual({
      ok: true,
      value: [
        { id: SYNTHETIC_RUNS.queued, status: "queued" },
        { id: SYNTHETIC_RUNS.failed, status: "failed" },
        { id: SYNTHETIC_RUNS.succeeded, status: "succeeded" },
      ],
    });
    expect(await asRole(db, "anon", (tx) => tx`select id from crm_sync.run_status`)).toEqual(PERMISSION_DENIED);
    expect(await asRole(db, "authenticated", (tx) => tx`update crm_sync.run_status set stage = 'done'`)).toEqual(PERMISSION_DENIED);
    expect(await asRole(db, "authenticated", (tx) => tx`delete from crm_sync.run_status`)).toEqual(PERMISSION_DENIED);
    expect(await asRole(db, "authenticated", (tx) => tx`insert into crm_sync.run_status (id, trigger, status, stage) values ('run-forged', 'manual', 'queued', 'queued')`)).toEqual(
      PERMISSION_DENIED,
    );
  });

  it("reads the view with the reader's rights: without the staff policy, staff see no run through it", async () => {
    const withoutPolicy = "drop policy runs_read_for_staff on crm_sync.runs";
    expect(await asRole(db, "authenticated", (tx) => tx`select count(*)::int as n from crm_sync.run_status`, withoutPolicy)).toEqual({ ok: true, value: [{ n: 0 }] });
  });

  it("narrows staff's direct door on crm_sync.runs to the status columns", async () => {
    expect(await asRole(db, "authenticated", (tx) => tx`select id, status, error_code from crm_sync.runs`)).toMatchObject({ ok: true });
    for (const column of ["approved_at", "stage_message_at", "stage_timed_out"]) {
      expect(await asRole(db, "authenticated", (tx) => tx.unsafe(`select ${column} from crm_sync.runs`)), column).toEqual(PERMISSION_DENIED);
    }
  });

  it("answers freshness() for staff with the trigger's semantics: last success, age, active customers, stale", async () => {
    const [succeeded] = await db.sql<{ finished_at: Date }[]>`select finished_at from crm_sync.runs where id = ${SYNTHETIC_RUNS.succeeded}`;
    // Compared with the transaction's own now(), which the function also uses: exact, however slow the machine.
    const read = (threshold?: number) =>
      asRole(db, "authenticated", async (tx) => {
        const rows =
          threshold === undefined
            ? await tx`select f.*, now() as now from crm_sync.freshness() f`
            : await tx`select f.*, now() as now from crm_sync.freshness(${threshold}) f`;
        const { now, ...row } = rows[0] ?? {};
        return { row: { ...row, age_seconds: Number(row["age_seconds"]), customer_count: Number(row["customer_count"]) }, now: now as Date };
      });

    const byDefault = await read();
    if (!byDefault.ok || succeeded === undefined) throw new Error(`freshness() failed: ${JSON.stringify(byDefault)}`);
    const ageSeconds = Math.floor((byDefault.value.now.getTime() - succeeded.finished_at.getTime()) / 1000);
    expect(ageSeconds).toBeGreaterThanOrEqual(7200);
    expect(byDefault.value.row).toEqual({
      stale_after_seconds: 93_600,
      last_success_at: succeeded.finished_at,
      age_seconds: ageSeconds,
      customer_count: 2,
      stale: false,
    });
    expect(await read(3600)).toMatchObject({ ok: true, value: { row: { stale_after_seconds: 3600, stale: true } } });
  });

  it("keeps the owner's reads and writes working, as the loader, trigger and notifier use them", async () => {
    await db.sql.begin(async (tx) => {
      await tx`
        insert into crm_sync.customers (store, customer_name, contact_number, customer_key, row_hash, first_seen_run)
        values ('Synthetic Store', 'Synthetic Customer 4', '0800000004', '+66800000004', 'hash-4', 'run-owner-check')`;
      await tx`update crm_sync.customers set row_hash = 'hash-4b' where customer_key = '+66800000004'`;
      await tx`insert into crm_sync.runs (id, trigger, status, stage) values ('run-owner-check', 'manual', 'running', 'loading')`;
      await tx`update crm_sync.runs set status = 'succeeded', stage = 'done', finished_at = now() where id = 'run-owner-check'`;
      await tx`insert into crm_sync.alerts (subject, state) values ('owner-check', 'ok')`;
    });
    const [counts] = await db.sql<{ active: number; run: string; alert: string }[]>`
      select (select count(*)::int from backoffice.customers) as active,
             (select status from crm_sync.runs where id = 'run-owner-check') as run,
             (select state from crm_sync.alerts where subject = 'owner-check') as alert`;
    expect(counts).toEqual({ active: 3, run: "succeeded", alert: "ok" });
    await db.sql.begin(async (tx) => {
      await tx`delete from crm_sync.customers where customer_key = '+66800000004'`;
      await tx`delete from crm_sync.runs where id = 'run-owner-check'`;
      await tx`delete from crm_sync.alerts where subject = 'owner-check'`;
    });
  });

  it("refuses writes through the backoffice.customers view, even the owner's (the old script's nightly delete)", async () => {
    const refused = await db.sql`delete from backoffice.customers`.then(
      () => "deleted",
      (error: { code?: string }) => error.code,
    );
    expect(refused).toBe("55000");
    const [active] = await db.sql<{ n: number }[]>`select count(*)::int as n from backoffice.customers`;
    expect(active?.n).toBe(2);
  });

  it("gives the view exactly the old columns, and no policy on crm_sync.customers when no reader was carried over", async () => {
    const columns = await db.sql<{ column_name: string; data_type: string }[]>`
      select column_name, data_type from information_schema.columns
      where table_schema = 'backoffice' and table_name = 'customers' order by ordinal_position`;
    expect(columns.map((c) => `${c.column_name} ${c.data_type}`)).toEqual([
      "id bigint", "store text", "customer_name text", "contact_number text", "address text", "email text",
      "date_of_birth date", "date_joined date", "available_credit numeric", "available_point numeric", "source text",
      "sms_pdpa boolean", "email_pdpa boolean", "batch_id text", "update_time timestamp with time zone",
    ]);
    const { policies } = await accessFingerprint(db);
    expect(policies.map((policy) => policy["policyname"])).toEqual(["runs_read_for_staff"]);
  });
}

/**
 * The file can run twice, as when `supabase db push` applied it before `migrate` on a crm-sync
 * that did not yet read supabase's ledger. Checked on the schema it was written for (later files
 * turn backoffice.customers into a view, which `alter table … enable row level security` refuses;
 * `migrate` now records files supabase applied instead of running them again).
 */
function rerunSuite(open: () => Promise<{ db: Database; close: () => Promise<void> }>) {
  it("can run again over the schema of its time and changes nothing", async () => {
    const { db, close } = await open();
    const dir = await mkdtemp(join(tmpdir(), "crm-sync-rls-"));
    try {
      for (const name of (await readdir(DEFAULT_MIGRATIONS_DIR)).filter((n) => n.endsWith(".sql") && n <= RLS_MIGRATION)) {
        await copyFile(join(DEFAULT_MIGRATIONS_DIR, name), join(dir, name));
      }
      expect(await migrate(db, { dir })).toContain(RLS_MIGRATION);
      const before = await accessFingerprint(db);
      await db.sql.unsafe(await readFile(join(DEFAULT_MIGRATIONS_DIR, RLS_MIGRATION), "utf8"));
      expect(await accessFingerprint(db)).toEqual(before);
      expect(before.policies.map((policy) => policy["policyname"])).toEqual(["runs_read_for_staff"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await close();
    }
  });
}

const openPglite = async () => {
  const db = await openDatabase("pglite://memory");
  return { db, close: () => db.close() };
};

const openPostgres = async () => {
  const database: TestDatabase = await createTestDatabase();
  const db = await openDatabase(database.url, { max: 2 });
  return {
    db,
    close: async () => {
      await db.close();
      await database.drop();
    },
  };
};

describe("row level security on PGlite", () => {
  rowLevelSecuritySuite(openPglite);
  rerunSuite(openPglite);
});

describe.skipIf(gate("Postgres", await postgresMissing()))("row level security on Postgres", () => {
  rowLevelSecuritySuite(openPostgres);
  rerunSuite(openPostgres);
});
