import type { Sql, TransactionSql } from "postgres";
import { sqlLiteral } from "@crm-sync/db";
import type { RejectReport } from "../domain/reject-reason.ts";

/**
 * What the dashboard shows about a load (issue 28): the rows it rejected (row, column, reason;
 * never a value) and, for a held mass delete, the customers it would remove. Values travel as
 * literals so the success path's statements share the load's round trip (see run-records.ts).
 */

function rejectRows(runId: string, rejects: RejectReport): string {
  return rejects.rows
    .map((reject, seq) => `(${sqlLiteral(runId)}, ${seq}, ${Math.trunc(reject.row)}, ${reject.column === null ? "null" : sqlLiteral(reject.column)}, ${sqlLiteral(reject.code)})`)
    .join(", ");
}

/** Replaces the run's listed rejects (an approved run is loaded again: its last attempt counts). */
export async function recordRejects(sql: Sql | TransactionSql, runId: string, rejects: RejectReport): Promise<void> {
  const values = rejectRows(runId, rejects);
  await sql.unsafe(
    `delete from crm_sync.run_rejects where run_id = ${sqlLiteral(runId)};
     ${values === "" ? "" : `insert into crm_sync.run_rejects (run_id, seq, row_no, column_name, reason) values ${values};`}`,
  ).execute();
}

/** The customers the plan would soft-delete (inside the load's transaction, before it rolls back). */
export async function plannedRemovals(tx: Sql): Promise<string[]> {
  const rows = await tx<Array<{ id: string }>>`select customer_id as id from loader_plan where kind = 'soft_delete' and customer_id is not null`;
  return rows.map((row) => row.id);
}

/** Keeps a held run's would-be removals, after its transaction rolled back. Uuids only: safe in a literal. */
export async function recordHeldRemovals(sql: Sql, runId: string, customerIds: readonly string[]): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`delete from crm_sync.held_removals where run_id = ${runId}`;
    if (customerIds.length === 0) return;
    await tx.unsafe(
      `insert into crm_sync.held_removals (run_id, customer_id)
       select ${sqlLiteral(runId)}, unnest(${sqlLiteral(`{${customerIds.join(",")}}`)}::uuid[]) on conflict do nothing`,
    );
  });
}
