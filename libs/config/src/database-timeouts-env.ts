import { z } from "zod";
import { DURATION_PATTERN, parseDuration } from "./duration.ts";

/** Postgres keeps these timeouts as an int of milliseconds. */
const MAX_TIMEOUT_MS = 2_147_483_647;

const timeout = (fallback: string) =>
  z
    .string()
    .regex(DURATION_PATTERN, "must be a duration such as 500ms, 30s or 10m")
    .default(fallback)
    .transform((text) => parseDuration(text) ?? Number.NaN)
    // Finite on purpose: 0 would mean "no limit" to Postgres, which is what these exist to prevent.
    .pipe(z.number().int().min(1, "must be longer than 0").max(MAX_TIMEOUT_MS, "must be under 24 days"));

export interface DatabaseTimeoutDefaults {
  statement: string;
  lock: string;
  idleInTransaction: string;
}

/**
 * For services whose statements touch a handful of ledger rows (trigger, notifier): a statement
 * that runs half a minute, or a lock held ten seconds, is already a fault there.
 */
export const SHORT_DATABASE_TIMEOUTS: DatabaseTimeoutDefaults = { statement: "30s", lock: "10s", idleInTransaction: "1m" };

/**
 * The session timeouts of a service's database connections, in milliseconds. Each service sizes
 * its own defaults to its longest legitimate statement; one name means one setting everywhere.
 */
export function databaseTimeoutsEnv(defaults: DatabaseTimeoutDefaults) {
  return z.object({
    /** `statement_timeout`: the longest one statement may run. */
    DATABASE_STATEMENT_TIMEOUT: timeout(defaults.statement),
    /** `lock_timeout`: the longest a statement waits for a lock. */
    DATABASE_LOCK_TIMEOUT: timeout(defaults.lock),
    /** `idle_in_transaction_session_timeout`: the longest a transaction may sit open between statements. */
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT: timeout(defaults.idleInTransaction),
  });
}
export type DatabaseTimeoutsEnv = z.infer<ReturnType<typeof databaseTimeoutsEnv>>;

/** The env's timeouts in the shape `openDatabase` takes. */
export function sessionTimeoutsOf(env: DatabaseTimeoutsEnv): { statementMs: number; lockMs: number; idleInTransactionMs: number } {
  return {
    statementMs: env.DATABASE_STATEMENT_TIMEOUT,
    lockMs: env.DATABASE_LOCK_TIMEOUT,
    idleInTransactionMs: env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT,
  };
}
