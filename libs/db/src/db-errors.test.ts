import { describe, expect, it } from "vitest";
import { SyncError } from "@crm-sync/errors";
import { toDbError } from "./db-errors.ts";

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
    for (const sqlState of ["08006", "57P01", "57P03", "53300", "40001", "40P01"]) {
      expect(toDbError(postgresError(sqlState, "server said no")).code).toBe("DB_UNAVAILABLE");
    }
  });

  it("treats a rejected statement as DB_ERROR and keeps server text out of the message", () => {
    const raw = postgresError("23505", "duplicate key value violates unique constraint; Key (contact_number)=(0812345678)");
    const error = toDbError(raw);
    expect(error.code).toBe("DB_ERROR");
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain("0812345678");
    expect(error.cause).toBe(raw);
  });

  it("leaves a SyncError as it is", () => {
    const original = new SyncError("MASS_DELETE_HELD", "held");
    expect(toDbError(original)).toBe(original);
  });
});
