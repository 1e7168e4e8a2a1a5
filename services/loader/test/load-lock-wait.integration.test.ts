import postgres from "postgres";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrate, openDatabase, type Database } from "@crm-sync/db";
import { createTestDatabase, gate, postgresMissing, waitFor, type TestDatabase } from "@crm-sync/testing";
import { DATABASE_SESSION_SETTINGS } from "../src/database-settings.ts";
import { dumpCustomers, loadBytes } from "./support/backends.ts";
import { exportCsv, syntheticCustomer } from "./support/synthetic-export.ts";

const LOCK_MS = 500;
const TIMEOUTS = { statementMs: 60_000, lockMs: LOCK_MS, idleInTransactionMs: 60_000 };
const FILE = exportCsv(Array.from({ length: 50 }, (_, i) => syntheticCustomer(i)));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe.skipIf(gate("Postgres", await postgresMissing()))("the loader's lock timeout on Postgres", () => {
  let database: TestDatabase;
  let db: Database;
  let admin: postgres.Sql;
  /** Another session, holding locks for the tests. */
  let holder: postgres.Sql;
  beforeEach(async () => {
    database = await createTestDatabase("crm_sync_lockwait");
    db = await openDatabase(database.url, { connection: DATABASE_SESSION_SETTINGS, timeouts: TIMEOUTS });
    await migrate(db);
    admin = postgres(database.url, { max: 1, onnotice: () => {} });
    holder = postgres(database.url, { max: 1, onnotice: () => {} });
  });
  afterEach(async () => {
    await db.close();
    await admin.end();
    await holder.end();
    await database.drop();
  });

  it("lets a load queue behind another on the loader's lock for longer than the lock timeout", async () => {
    const other = await holder.reserve();
    try {
      await other`begin`;
      await other`select pg_advisory_xact_lock(hashtext('crm_sync.loader'))`;
      const load = loadBytes(db, FILE, { runId: "run-queued" });
      // Still waiting (not failed) four lock timeouts after it began to wait.
      await waitFor(
        async () =>
          (
            await admin`
              select 1 from pg_stat_activity
              where wait_event_type = 'Lock' and wait_event = 'advisory' and now() - state_change > ${`${4 * LOCK_MS} milliseconds`}::interval`
          ).length === 1,
        { what: "the load to wait on the loader's lock past the lock timeout" },
      );
      await other`rollback`;
      expect(await load).toMatchObject({ status: "loaded", counts: { rows: 50, inserted: 50 } });
    } finally {
      other.release();
    }
  });

  it("puts the lock timeout back once it holds the loader's lock: a row lock held elsewhere fails the load", async () => {
    await db.sql`insert into crm_sync.runs (id, trigger, status, stage) values ('run-row-locked', 'manual', 'running', 'parsing')`;
    const other = await holder.reserve();
    try {
      await other`begin`;
      await other`select 1 from crm_sync.runs where id = 'run-row-locked' for update`;
      const before = await dumpCustomers(db);
      const started = Date.now();
      const error = (await rejection(loadBytes(db, FILE, { runId: "run-row-locked" }))) as { cause?: { code?: string } };
      expect(error.cause?.code).toBe("55P03");
      expect(Date.now() - started).toBeLessThan(30_000);
      await other`rollback`;
      expect(await dumpCustomers(db)).toBe(before);
    } finally {
      other.release();
    }
  });
});
