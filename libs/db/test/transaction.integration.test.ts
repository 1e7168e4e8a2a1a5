import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isSyncError } from "@crm-sync/errors";
import { createTestDatabase, gate, postgresMissing, waitFor, type TestDatabase } from "@crm-sync/testing";
import { commitBehind, inTransaction, openDatabase, type Database } from "../src/index.ts";

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

const OPENING = "create temp table opened (n int) on commit drop; insert into opened values (1)";

function transactionContract(open: () => Promise<{ db: Database; done: () => Promise<void> }>) {
  let db: Database;
  let done: () => Promise<void>;
  beforeEach(async () => {
    ({ db, done } = await open());
    await db.sql`create table if not exists tx_notes (body text not null)`;
    await db.sql`delete from tx_notes`;
  });
  afterEach(async () => {
    await done();
  });

  it("runs the opening statements first and commits the work", async () => {
    const seen = await inTransaction(db.sql, OPENING, async (tx) => {
      await tx`insert into tx_notes values ('kept')`;
      return (await tx<Array<{ n: number }>>`select n from opened`).map((row) => row.n);
    });
    expect(seen).toEqual([1]);
    expect(await db.sql`select body from tx_notes`).toEqual([{ body: "kept" }]);
  });

  it("rolls everything back when the work throws, and the connection stays usable", async () => {
    const error = await rejection(
      inTransaction(db.sql, OPENING, async (tx) => {
        await tx`insert into tx_notes values ('undone')`;
        throw new Error("guard refused");
      }),
    );
    expect((error as Error).message).toBe("guard refused");
    expect(await db.sql`select body from tx_notes`).toEqual([]);
    expect(await inTransaction(db.sql, "select 1", async (tx) => (await tx`select 2 as two`)[0])).toEqual({ two: 2 });
  });

  it("refuses to report success when the database rolled the transaction back at commit", async () => {
    const error = await rejection(
      inTransaction(db.sql, OPENING, async (tx) => {
        await tx`insert into tx_notes values ('lost')`;
        // A statement error swallowed by the work leaves the transaction aborted.
        await tx`select 1 / 0`.catch(() => undefined);
      }),
    );
    expect(isSyncError(error) && error.code).toBe("DB_ERROR");
    expect(await db.sql`select body from tx_notes`).toEqual([]);
  });

  it("sends COMMIT behind statements still in flight, and commits them", async () => {
    const value = await inTransaction(db.sql, OPENING, async (tx) => {
      const inFlight = Promise.all([tx`insert into tx_notes values ('first')`.execute(), tx`insert into tx_notes select 'second' from opened`.execute()]);
      return commitBehind(inFlight, "sent");
    });
    expect(value).toBe("sent");
    expect(await db.sql`select body from tx_notes order by body`).toEqual([{ body: "first" }, { body: "second" }]);
  });

  it("fails with an in-flight statement's own error, and commits nothing", async () => {
    const error = await rejection(
      inTransaction(db.sql, OPENING, async (tx) => {
        const inFlight = Promise.all([tx`insert into tx_notes values ('lost')`.execute(), tx`insert into no_such_table values (1)`.execute()]);
        return commitBehind(inFlight, "never");
      }),
    );
    expect(error).toBeInstanceOf(Error);
    expect(isSyncError(error)).toBe(false);
    expect((error as Error).message).toContain("no_such_table");
    expect(await db.sql`select body from tx_notes`).toEqual([]);
    expect(await inTransaction(db.sql, "select 1", async () => "usable")).toBe("usable");
  });

  it("fails with the opening statement's error when the opening fails", async () => {
    const error = await rejection(inTransaction(db.sql, "select * from no_such_table", async () => "never"));
    expect(error).toBeInstanceOf(Error);
    expect(await inTransaction(db.sql, "select 1", async () => "usable")).toBe("usable");
  });

  // The work's statements are sent behind the opening without waiting for its answer.
  it("runs none of the work's statements when the opening fails, and throws the opening's error", async () => {
    const error = await rejection(
      inTransaction(db.sql, "select * from no_such_table", async (tx) => {
        await tx`insert into tx_notes values ('outside')`;
        return "never";
      }),
    );
    expect((error as Error).message).toContain("no_such_table");
    expect(await db.sql`select body from tx_notes`).toEqual([]);
    expect(await inTransaction(db.sql, "select 1", async () => "usable")).toBe("usable");
  });
}

describe("inTransaction on PGlite", () => {
  transactionContract(async () => {
    const db = await openDatabase("pglite://memory");
    return { db, done: () => db.close() };
  });
});

describe.skipIf(gate("Postgres", await postgresMissing()))("inTransaction on Postgres", () => {
  // A one-shot load opens without proving the connection, so its transaction is the pool's very
  // first use. (postgres.js never hands out that first connection when fetch_types is off.)
  it("works as the first use of a pool that has not connected yet", async () => {
    const database = await createTestDatabase();
    const db = await openDatabase(database.url, { max: 2, verify: false });
    try {
      expect(await inTransaction(db.sql, "select 1", async (tx) => (await tx<Array<{ one: number }>>`select 1 as one`)[0]?.one)).toBe(1);
    } finally {
      await db.close();
      await database.drop();
    }
  });

  it("starts the work while the opening is still waiting (for another session's lock)", async () => {
    const database = await createTestDatabase();
    const db = await openDatabase(database.url, { max: 2 });
    const holder = await db.sql.reserve();
    try {
      await holder`select pg_advisory_lock(4242)`;
      let workStarted!: () => void;
      const started = new Promise<void>((resolve) => (workStarted = resolve));
      const done = inTransaction(db.sql, "select pg_advisory_xact_lock(4242)", async (tx) => {
        workStarted();
        return (await tx<Array<{ one: number }>>`select 1 as one`)[0]?.one;
      });
      // Resolves only if the work began before the opening got the lock, which is still held.
      await started;
      // ...and the opening really is blocked behind it (advisory locks are server-wide: count only
      // this database's, as other suites and other clones' CI share the server).
      await waitFor(async () => (await holder<Array<{ waiting: number }>>`select count(*)::int as waiting from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`)[0]?.waiting === 1, { what: "the opening to wait for the lock" });
      await holder`select pg_advisory_unlock(4242)`;
      expect(await done).toBe(1);
    } finally {
      holder.release();
      await db.close();
      await database.drop();
    }
  });

  transactionContract(async () => {
    const database: TestDatabase = await createTestDatabase();
    const db = await openDatabase(database.url, { max: 2 });
    return {
      db,
      done: async () => {
        await db.close();
        await database.drop();
      },
    };
  });
});
