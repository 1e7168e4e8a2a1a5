import { describe, expect, it } from "vitest";
import { SyncError } from "@crm-sync/errors";
import { DatabaseFailure, toDbError } from "./db-errors.ts";

function postgresError(code: string, message: string): Error {
  const error = Object.assign(new Error(message), { code });
  error.name = "PostgresError";
  return error;
}

describe("toDbError", () => {
  it("treats unreachable servers and transient server states as DB_UNAVAILABLE", () => {
    expect(toDbError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })).code).toBe("DB_UNAVAILABLE");
    expect(toDbError(Object.assign(new Error("write CONNECT_TIMEOUT"), { code: "CONNECT_TIMEOUT" })).code).toBe("DB_UNAVAILABLE");
    expect(toDbError(new AggregateError([Object.assign(new Error("x"), { code: "ECONNREFUSED" })], "")).code).toBe("DB_UNAVAILABLE");
    for (const sqlState of ["08006", "57P01", "57P03", "53300", "40001", "40P01", "57014", "55P03", "25P03"]) {
      expect(toDbError(postgresError(sqlState, "server said no")).code).toBe("DB_UNAVAILABLE");
    }
  });

  it("treats a rejected statement as DB_ERROR and keeps server text out of the message", () => {
    const raw = postgresError("23505", "duplicate key value violates unique constraint; Key (contact_number)=(0812345678)");
    const error = toDbError(raw);
    expect(error.code).toBe("DB_ERROR");
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain("0812345678");
  });

  it("keeps a postgres.js error's SQLSTATE, names and routine, and drops its message, detail, where and hint", () => {
    // The fields as postgres.js parses a unique violation off the wire.
    const raw = Object.assign(postgresError("23505", 'duplicate key value violates unique constraint "customers_customer_key_key"'), {
      severity: "ERROR",
      detail: "Key (customer_key)=(name:Quincey Vandermeer|2022-01-01) already exists.",
      where: 'COPY loader_staging, line 3, column customer_name: "Quincey Vandermeer"',
      hint: "Quincey Vandermeer",
      schema_name: "backoffice",
      table_name: "customers",
      constraint_name: "customers_customer_key_key",
      routine: "_bt_check_unique",
    });
    raw.stack = `PostgresError: ${raw.message}\n    at ErrorResponse (connection.js:1:1)\n    at applyPlan (apply-plan.ts:2:2)`;
    const error = toDbError(raw);
    expect(error.cause).toBeInstanceOf(DatabaseFailure);
    expect(error.cause).toMatchObject({
      code: "23505",
      schema: "backoffice",
      table: "customers",
      constraint: "customers_customer_key_key",
      routine: "_bt_check_unique",
      message: "SQLSTATE 23505 (routine _bt_check_unique, schema backoffice, table customers, constraint customers_customer_key_key)",
    });
    const cause = error.cause as Error;
    expect(cause.stack).toContain("at applyPlan (apply-plan.ts:2:2)");
    const everything = JSON.stringify({ ...cause, message: cause.message, stack: cause.stack, outer: error.message });
    expect(everything).not.toMatch(/Quincey|Vandermeer|duplicate key/);
  });

  it("reduces a PGlite (pg-protocol) DatabaseError the same way", () => {
    // pg-protocol names the error after its message type and uses camelCase fields.
    const raw = Object.assign(new Error('invalid input syntax for type date: "Quincey 0812345678"'), {
      name: "error",
      code: "22007",
      severity: "ERROR",
      table: "loader_staging",
      column: "date_joined",
      dataType: "date",
      where: 'unnamed portal parameter $10 = "Quincey 0812345678"',
      routine: "DateTimeParseError",
    });
    const error = toDbError(raw);
    expect(error).toMatchObject({ code: "DB_ERROR", message: "The database rejected a statement (SQLSTATE 22007)." });
    expect(error.cause).toMatchObject({ code: "22007", table: "loader_staging", column: "date_joined", dataType: "date", routine: "DateTimeParseError" });
    expect(JSON.stringify({ ...(error.cause as Error), message: (error.cause as Error).message, stack: (error.cause as Error).stack })).not.toMatch(/Quincey|0812345678/);
  });

  it("leaves a SyncError as it is", () => {
    const original = new SyncError("MASS_DELETE_HELD", "held");
    expect(toDbError(original)).toBe(original);
  });
});
