import postgres from "postgres";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isSyncError } from "@crm-sync/errors";
import { createTestDatabase, gate, POSTGRES_ADMIN_URL, postgresMissing, waitFor, type TestDatabase } from "@crm-sync/testing";
import { inTransaction, openDatabase, sqlLiteral, toDbError, type Database } from "../src/index.ts";

const TIMEOUTS = { statementMs: 300, lockMs: 200, idleInTransactionMs: 400 };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** The UTF-8 of ก (Thai ko kai) ends in 0x81, a Shift-JIS lead byte: in SJIS it swallows the next byte, a backslash included. */
const BREAKS_OUT_IN_SJIS = "ก\\' , 42 as injected --";

describe.skipIf(gate("Postgres", await postgresMissing()))("session settings on Postgres", () => {
  let database: TestDatabase;
  let db: Database | undefined;
  let admin: postgres.Sql;
  beforeEach(async () => {
    database = await createTestDatabase();
    admin = postgres(database.url, { max: 1, onnotice: () => {} });
  });
  afterEach(async () => {
    await db?.close();
    db = undefined;
    await admin.end();
    await database.drop();
  });

  it("opens every pooled session with the timeouts, and the server enforces them", async () => {
    db = await openDatabase(database.url, { max: 3, timeouts: TIMEOUTS, connection: { statement_timeout: "0" } });
    const sessions = await Promise.all([0, 1, 2].map(() => db!.sql.reserve()));
    try {
      for (const session of sessions) {
        const [row] = await session`
          select current_setting('statement_timeout') as statement, current_setting('lock_timeout') as lock,
                 current_setting('idle_in_transaction_session_timeout') as idle, pg_backend_pid() as pid`;
        // A caller's own start-up setting cannot switch a timeout off.
        expect(row).toMatchObject({ statement: "300ms", lock: "200ms", idle: "400ms" });
      }
      expect(new Set(await Promise.all(sessions.map(async (s) => (await s`select pg_backend_pid() as pid`)[0]?.["pid"])))).toHaveProperty("size", 3);
    } finally {
      for (const session of sessions) session.release();
    }

    const slow = (await rejection(db.sql`select pg_sleep(30)`)) as { code?: string };
    expect(slow.code).toBe("57014");
    // A timed-out statement is a busy database, not bad data: retried, not failed for good.
    expect(toDbError(slow)).toMatchObject({ code: "DB_UNAVAILABLE", retryable: true });

    await admin`create table held (id int)`;
    const holder = await admin.reserve();
    try {
      await holder`begin`;
      await holder`lock table held in access exclusive mode`;
      const waited = (await rejection(db.sql`select * from held`)) as { code?: string };
      expect(waited.code).toBe("55P03");
      expect(toDbError(waited)).toMatchObject({ code: "DB_UNAVAILABLE", retryable: true });
      await holder`rollback`;
    } finally {
      holder.release();
    }
  });

  it("ends a transaction left idle, so it cannot hold its locks", async () => {
    db = await openDatabase(database.url, { max: 1, timeouts: TIMEOUTS });
    const session = await db.sql.reserve();
    try {
      const [row] = await session`select pg_backend_pid() as pid`;
      await session`begin`;
      await session`select pg_advisory_xact_lock(42)`;
      await waitFor(async () => (await admin`select 1 from pg_stat_activity where pid = ${row?.["pid"] as number}`).length === 0, {
        timeoutMs: 10_000,
        what: "the server to end the idle transaction's session",
      });
      const [lock] = await admin`
        select count(*)::int as n from pg_locks
        where locktype = 'advisory' and objid = 42 and database = (select oid from pg_database where datname = current_database())`;
      expect(lock?.["n"]).toBe(0);
    } finally {
      session.release();
    }
  });

  it("behind a transaction pooler, carries the timeouts into each transaction as set local", async () => {
    db = await openDatabase(`${database.url}?pgbouncer=true`, { max: 1, timeouts: TIMEOUTS });
    expect(db.transactionSettings).toContain("set local statement_timeout = 300");
    await db.sql`set statement_timeout = 0`;
    const inside = await inTransaction(db.sql, db.transactionSettings, async (tx) => (await tx`select current_setting('statement_timeout') as value`)[0]?.["value"]);
    expect(inside).toBe("300ms");
    const [after] = await db.sql`select current_setting('statement_timeout') as value`;
    expect(after?.["value"]).toBe("0");
  });

  it("keeps the session in UTF8 whatever the caller asks for, so a literal cannot be broken out of", async () => {
    // What the guard prevents: a session in SJIS with backslash_quote=on reads the literal's end early.
    const sjis = postgres(database.url, { max: 1, onnotice: () => {}, connection: { client_encoding: "SJIS", backslash_quote: "on" } });
    try {
      const [broken] = await sjis.unsafe(`select ${sqlLiteral(BREAKS_OUT_IN_SJIS)}::text as value`);
      expect(broken).toHaveProperty("injected", 42);
    } finally {
      await sjis.end();
    }

    db = await openDatabase(database.url, { max: 1, connection: { client_encoding: "SJIS", backslash_quote: "on" } });
    const [row] = await db.sql.unsafe(`select ${sqlLiteral(BREAKS_OUT_IN_SJIS)}::text as value, current_setting('client_encoding') as encoding`);
    expect(row).toEqual({ value: BREAKS_OUT_IN_SJIS, encoding: "UTF8" });
  });

  it.each([
    ["client_encoding=SJIS", "client_encoding"],
    ["options=-c%20client_encoding%3DSJIS", "client_encoding"],
    ["options=-c%20backslash_quote%3Don", "backslash_quote"],
    ["statement_timeout=0", "statement_timeout"],
  ])("refuses a database URL carrying ?%s before connecting", async (query, name) => {
    const error = await rejection(openDatabase(`${database.url}?${query}`));
    expect(isSyncError(error) && error.code).toBe("DB_ERROR");
    expect((error as Error).message).toContain(name);
    const [sessions] = await admin`select count(*)::int as n from pg_stat_activity where datname = ${database.name} and pid <> pg_backend_pid()`;
    expect(sessions?.["n"]).toBe(0);
  });

  it("refuses a database whose server encoding is not UTF8", async () => {
    const server = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
    const name = `${database.name}_latin1`;
    try {
      await server.unsafe(`create database "${name}" encoding 'LATIN1' lc_collate 'C' lc_ctype 'C' template template0`);
      const url = new URL(database.url);
      url.pathname = `/${name}`;
      const error = await rejection(openDatabase(url.toString()));
      expect(isSyncError(error) && error.code).toBe("DB_ERROR");
      expect((error as Error).message).toMatch(/must use UTF8.*server encoding is LATIN1/);
    } finally {
      await server.unsafe(`drop database if exists "${name}" with (force)`);
      await server.end();
    }
  });
});

describe("session settings on PGlite", () => {
  it("opens in UTF8 and takes no timeouts: one in-process session, with no timer to fire them", async () => {
    const db = await openDatabase("pglite://memory", { timeouts: TIMEOUTS });
    try {
      expect(db.transactionSettings).toBe("");
      const [row] = await db.sql`select current_setting('client_encoding') as client, current_setting('statement_timeout') as statement`;
      expect(row).toEqual({ client: "UTF8", statement: "0" });
    } finally {
      await db.close();
    }
  });
});
