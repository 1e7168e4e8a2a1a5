import type { ReservedSql, Sql } from "postgres";
import { SyncError } from "@crm-sync/errors";

/**
 * Runs `work` in one transaction on one connection, with `opening` (plain SQL, no parameters)
 * sent together with BEGIN: one round trip where postgres.js's own begin() takes two (it awaits
 * BEGIN alone before the first statement). Commits when `work` resolves, rolls back when it
 * throws; `work` must await every statement it starts.
 */
export async function inTransaction<T>(sql: Sql, opening: string, work: (tx: ReservedSql) => Promise<T>): Promise<T> {
  const tx = await sql.reserve();
  try {
    await tx.unsafe(`begin; ${opening}`);
    const result = await work(tx);
    const committed = await tx.unsafe("commit");
    // Postgres answers COMMIT of a failed transaction with ROLLBACK, not an error.
    if (committed.command !== "COMMIT") throw new SyncError("DB_ERROR", "The transaction was rolled back by the database at commit.");
    return result;
  } catch (error) {
    // The connection may be gone (that may be the error): nothing more to undo then.
    await tx.unsafe("rollback").catch(() => {});
    throw error;
  } finally {
    tx.release();
  }
}
