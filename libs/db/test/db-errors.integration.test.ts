import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, gate, postgresMissing, type TestDatabase } from "@crm-sync/testing";
import { DatabaseFailure, openDatabase, toDbError, type Database } from "../src/index.ts";

const postgresSkipped = gate("Postgres", await postgresMissing());
const NAME = "Quincey Vandermeer-0812345678";

/** Everything of a classified error the logger could write: message, stack, every field, the cause's too. */
function everything(error: Error): string {
  const cause = error.cause as Error;
  return JSON.stringify({ ...error, message: error.message, stack: error.stack, cause: { ...cause, message: cause.message, stack: cause.stack } });
}

async function rejection(query: PromiseLike<unknown>): Promise<Error> {
  return await Promise.resolve(query).then(
    () => {
      throw new Error("the statement succeeded");
    },
    (error: unknown) => error as Error,
  );
}

/** Failing statements that make the server quote a customer's value, and what the failure keeps. */
function failures(backend: () => Database) {
  it("keeps a unique violation's SQLSTATE, table and constraint, and none of the key the server quoted", async () => {
    const { sql } = backend();
    await sql.unsafe("create temp table leak_check (customer_name text constraint leak_check_name_key unique, joined date)");
    await sql`insert into leak_check (customer_name) values (${NAME})`;
    const raw = await rejection(sql`insert into leak_check (customer_name) values (${NAME})`);
    // The server did quote it: the raw error is what must not travel.
    expect(JSON.stringify({ ...raw, message: raw.message })).toContain(NAME);
    const failure = toDbError(raw);
    expect(failure).toMatchObject({ code: "DB_ERROR", message: "The database rejected a statement (SQLSTATE 23505)." });
    expect(failure.cause).toBeInstanceOf(DatabaseFailure);
    expect(failure.cause).toMatchObject({ code: "23505", table: "leak_check", constraint: "leak_check_name_key", routine: "_bt_check_unique" });
    expect(everything(failure)).not.toContain("Quincey");
    expect(everything(failure)).not.toContain("0812345678");
  });

  it("keeps an invalid input's SQLSTATE and routine, and not the text the server quoted", async () => {
    const { sql } = backend();
    // Sent as text and cast by the server, which quotes the text it could not read as a date.
    const raw = await rejection(sql.unsafe("select $1::text::date", [NAME]));
    expect(raw.message).toContain(NAME);
    const failure = toDbError(raw);
    expect(failure.cause).toMatchObject({ code: "22007", routine: "DateTimeParseError" });
    expect(everything(failure)).not.toContain("Quincey");
  });
}

describe("database failures name no values", () => {
  describe("on PGlite", () => {
    let db: Database;
    beforeAll(async () => {
      db = await openDatabase("pglite://memory");
    });
    afterAll(async () => {
      await db?.close();
    });
    failures(() => db);
  });

  describe.skipIf(postgresSkipped)("on Postgres", () => {
    let database: TestDatabase;
    let db: Database;
    beforeAll(async () => {
      database = await createTestDatabase("crm_sync_db_errors");
      // One connection: the temp table lives in its session.
      db = await openDatabase(database.url, { max: 1 });
    });
    afterAll(async () => {
      await db?.close();
      await database?.drop();
    });
    failures(() => db);
  });
});
