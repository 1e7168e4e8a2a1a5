import { describe, expect, it } from "vitest";
import { SyncError, toSyncError } from "./index.ts";

describe("SyncError", () => {
  it("takes its retryable flag from the code table, not the caller", () => {
    expect(new SyncError("PORTAL_UNAVAILABLE", "down").retryable).toBe(true);
    expect(new SyncError("PORTAL_AUTH_FAILED", "bad password").retryable).toBe(false);
    expect(new SyncError("MASS_DELETE_HELD", "held").retryable).toBe(false);
  });

  it("keeps the cause for the logger", () => {
    const cause = new Error("socket hang up");
    const error = new SyncError("DB_UNAVAILABLE", "database unreachable", { cause });
    expect(error.cause).toBe(cause);
    expect(error.code).toBe("DB_UNAVAILABLE");
  });

  it("wraps unknown errors as INTERNAL with a generic message, keeping the original as cause", () => {
    const raw = new Error("secret detail 0812345678");
    const wrapped = toSyncError(raw);
    expect(wrapped.code).toBe("INTERNAL");
    expect(wrapped.message).not.toContain("0812345678");
    expect(wrapped.cause).toBe(raw);
    expect(toSyncError(wrapped)).toBe(wrapped);
  });
});
