import type { ReservedSql, Sql } from "postgres";
import { SyncError } from "@crm-sync/errors";

const IN_FLIGHT = Symbol("in flight");

/** What `work` returns when its last statements are still in flight: COMMIT follows them at once. */
export interface CommitBehind<T> {
  readonly [IN_FLIGHT]: Promise<unknown>;
  readonly value: T;
}

/**
 * For `work`'s last step: `value` is the result, `inFlight` the statements already sent (each
 * `.execute()`d). COMMIT is sent right behind them, in the same round trip, and reports success
 * only if all of them succeeded: a failed one leaves the transaction aborted, so Postgres answers
 * the COMMIT with ROLLBACK, and `inFlight`'s own error is what inTransaction throws.
 */
export function commitBehind<T>(inFlight: Promise<unknown>, value: T): CommitBehind<T> {
  return { [IN_FLIGHT]: inFlight, value };
}

function isCommitBehind<T>(outcome: T | CommitBehind<T>): outcome is CommitBehind<T> {
  return typeof outcome === "object" && outcome !== null && IN_FLIGHT in outcome;
}

/**
 * Runs `work` in one transaction on one connection, with `opening` (plain SQL, no parameters)
 * sent together with BEGIN. `work` starts without waiting for them: its first statement queues
 * behind them on the connection and goes in the same round trip (postgres.js's own begin() takes
 * two), and whatever it does before that statement (opening and parsing a file) overlaps the
 * round trip. If the opening fails, the transaction is aborted, so every statement of `work`
 * fails too and none runs outside it; the opening's error is the one thrown. Commits when `work`
 * resolves, rolls back when it throws; `work` must await every statement it starts, except those
 * it hands back through `commitBehind`.
 */
export async function inTransaction<T>(sql: Sql, opening: string, work: (tx: ReservedSql) => Promise<T | CommitBehind<T>>): Promise<T> {
  const tx = await sql.reserve();
  try {
    const opened = tx.unsafe(`begin; ${opening}`).execute();
    // Awaited below, after `work`: until then a failure must not count as unhandled.
    opened.catch(() => {});
    const outcome = await work(tx).catch(async (error: unknown) => {
      await opened;
      throw error;
    });
    await opened;
    const behind = isCommitBehind(outcome);
    const [committed] = await Promise.all([tx.unsafe("commit").execute(), behind ? outcome[IN_FLIGHT] : undefined]);
    // Postgres answers COMMIT of a failed transaction with ROLLBACK, not an error.
    if (committed.command !== "COMMIT") throw new SyncError("DB_ERROR", "The transaction was rolled back by the database at commit.");
    return behind ? outcome.value : outcome;
  } catch (error) {
    // The connection may be gone (that may be the error): nothing more to undo then.
    await tx.unsafe("rollback").catch(() => {});
    throw error;
  } finally {
    tx.release();
  }
}
