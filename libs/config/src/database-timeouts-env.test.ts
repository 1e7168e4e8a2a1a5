import { describe, expect, it } from "vitest";
import { databaseTimeoutsEnv, sessionTimeoutsOf } from "./database-timeouts-env.ts";
import { ConfigError, parseEnv } from "./parse-env.ts";

const Env = databaseTimeoutsEnv({ statement: "30s", lock: "10s", idleInTransaction: "1m" });

describe("databaseTimeoutsEnv", () => {
  it("uses the service's defaults, in milliseconds", () => {
    expect(sessionTimeoutsOf(parseEnv(Env, {}))).toEqual({ statementMs: 30_000, lockMs: 10_000, idleInTransactionMs: 60_000 });
  });

  it("reads durations", () => {
    const env = parseEnv(Env, { DATABASE_STATEMENT_TIMEOUT: "10m", DATABASE_LOCK_TIMEOUT: "500ms", DATABASE_IDLE_IN_TRANSACTION_TIMEOUT: "2m" });
    expect(sessionTimeoutsOf(env)).toEqual({ statementMs: 600_000, lockMs: 500, idleInTransactionMs: 120_000 });
  });

  it("refuses no limit, a bare number and more than Postgres holds, naming each variable", () => {
    try {
      parseEnv(Env, { DATABASE_STATEMENT_TIMEOUT: "0s", DATABASE_LOCK_TIMEOUT: "5000", DATABASE_IDLE_IN_TRANSACTION_TIMEOUT: "30d" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const names = (error as ConfigError).problems.map((problem) => problem.split(":")[0]).sort();
      expect(names).toEqual(["DATABASE_IDLE_IN_TRANSACTION_TIMEOUT", "DATABASE_LOCK_TIMEOUT", "DATABASE_STATEMENT_TIMEOUT"]);
    }
  });
});
