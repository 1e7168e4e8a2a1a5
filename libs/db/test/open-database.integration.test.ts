import { connect } from "node:net";
import postgres from "postgres";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isSyncError } from "@crm-sync/errors";
import { createTestDatabase, freePort, gate, postgresMissing, waitFor, type TestDatabase } from "@crm-sync/testing";
import { openDatabase, sqlLiteral, toDbError, type Database } from "../src/index.ts";

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("openDatabase errors", () => {
  it("reports a closed port as DB_UNAVAILABLE, retryable, without the URL in the message", async () => {
    const port = await freePort();
    const error = await rejection(openDatabase(`postgres://crm:s3cret-password@127.0.0.1:${port}/crm`, { connectTimeoutSeconds: 3 }));
    expect(isSyncError(error) && error.code).toBe("DB_UNAVAILABLE");
    expect(isSyncError(error) && error.retryable).toBe(true);
    expect((error as Error).message).not.toContain("s3cret-password");
  });

  it("without verify, returns at once and the first statement fails as DB_UNAVAILABLE instead", async () => {
    const port = await freePort();
    const db = await openDatabase(`postgres://crm:s3cret-password@127.0.0.1:${port}/crm`, { connectTimeoutSeconds: 3, verify: false });
    try {
      const error = toDbError(await rejection(db.sql`select 1`));
      expect(error.code).toBe("DB_UNAVAILABLE");
      expect(error.message).not.toContain("s3cret-password");
    } finally {
      await db.close();
    }
  });

  it("refuses a URL it cannot serve as DB_ERROR", async () => {
    const error = await rejection(openDatabase("mysql://crm@127.0.0.1/crm"));
    expect(isSyncError(error) && error.code).toBe("DB_ERROR");
  });
});

describe("openDatabase on PGlite", () => {
  let db: Database;
  beforeEach(async () => {
    db = await openDatabase("pglite://memory", { connection: { work_mem: "64MB" } });
  });
  afterEach(async () => {
    await db.close();
  });

  it("answers the same tagged-template queries as a server, settings applied", async () => {
    expect(db.kind).toBe("pglite");
    expect(db.supportsCopy).toBe(false);
    const [row] = await db.sql<{ total: number; setting: string }[]>`
      select sum(n)::int as total, current_setting('work_mem') as setting
      from unnest(${db.sql.array([1, 2, 3])}::int[]) as n`;
    expect(row).toEqual({ total: 6, setting: "64MB" });
  });

  it("runs the embedded server with its small shared_buffers (kept in WebAssembly memory, which never shrinks)", async () => {
    const [row] = await db.sql<{ setting: string }[]>`select current_setting('shared_buffers') as setting`;
    expect(row?.setting).toBe("16MB");
  });

  it("keeps a transaction's writes invisible until commit and undoes them on error", async () => {
    await db.sql`create table notes (body text)`;
    const error = await rejection(
      db.sql.begin(async (tx) => {
        await tx`insert into notes values ('draft')`;
        throw new Error("abandon");
      }),
    );
    expect((error as Error).message).toBe("abandon");
    expect(await db.sql`select * from notes`).toEqual([]);
  });

  it("serves one connection at a time: a second connection is closed unanswered while the first is open", async () => {
    // Why the client pool is 1: the socket server's multiplexer interleaves extended-protocol
    // messages of different connections (a second client broke the first with 'portal "" does
    // not exist'), so the server is left at one connection: Node's server closes any other
    // connection unanswered (postgres.js then waits forever, so never give PGlite a pool > 1).
    await db.sql`select 1`;
    const { hostname, port } = new URL(db.connectionUrl);
    const answer = await new Promise<string>((resolve, reject) => {
      let received = "";
      const socket = connect({ host: hostname, port: Number(port) });
      socket.on("data", (chunk) => (received += chunk.toString("latin1")));
      socket.on("error", reject);
      socket.on("close", () => resolve(received));
    });
    expect(answer).toBe("");
    expect(await db.sql`select 2 as still_served`).toEqual([{ still_served: 2 }]);
  });

  it("classifies a rejected statement as DB_ERROR, naming only the SQLSTATE", async () => {
    await db.sql`create table keyed (key text primary key)`;
    await db.sql`insert into keyed values ('0812345678')`;
    const error = toDbError(await rejection(db.sql`insert into keyed values ('0812345678')`));
    expect(error.code).toBe("DB_ERROR");
    expect(error.message).toContain("23505");
    expect(error.message).not.toContain("0812345678");
  });
});

describe.skipIf(gate("Postgres", await postgresMissing()))("openDatabase on Postgres", () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await database.drop();
  });

  it("passes start-up parameters and accepts a pooler hint without sending it to the server", async () => {
    const db = await openDatabase(`${database.url}?pgbouncer=true`, { connection: { work_mem: "64MB" } });
    try {
      expect(db.kind).toBe("postgres");
      expect(db.connectionUrl).not.toContain("pgbouncer");
      const [row] = await db.sql`select current_setting('work_mem') as setting`;
      expect(row).toEqual({ setting: "64MB" });
    } finally {
      await db.close();
    }
  });

  it("reports a connection the server terminates mid-query as DB_UNAVAILABLE", async () => {
    const db = await openDatabase(database.url);
    const admin = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      // Only this test's database: another suite or another clone's CI may sleep on the same server.
      const slow = rejection(db.sql`select pg_sleep(30)`);
      await waitFor(async () => {
        const [row] = await admin`select count(*)::int as n from pg_stat_activity where datname = current_database() and query like 'select pg_sleep%' and state = 'active'`;
        return row?.["n"] === 1;
      }, { what: "the slow query to start" });
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query like 'select pg_sleep%' and pid <> pg_backend_pid()`;
      const error = toDbError(await slow);
      expect(error.code).toBe("DB_UNAVAILABLE");
      expect(error.retryable).toBe(true);
    } finally {
      await admin.end();
      await db.close();
    }
  });

  it("reads literals back exactly, whatever standard_conforming_strings says", async () => {
    const db = await openDatabase(database.url, { max: 1 });
    const hostile = ["O'Brien", "back\\slash", "\\'; drop table crm_sync.runs; --", "''", "$$ dollar $$", "tab\tnewline\n", "ไทย 😀", ""];
    try {
      for (const setting of ["on", "off"]) {
        await db.sql.unsafe(`set standard_conforming_strings = ${setting}`);
        for (const value of hostile) {
          const [row] = await db.sql.unsafe<Array<{ value: string }>>(`select ${sqlLiteral(value)}::text as value`);
          expect({ setting, value: row?.value }).toEqual({ setting, value });
        }
      }
    } finally {
      await db.close();
    }
  });
});
