import type { Database } from "@crm-sync/db";
import { guarded } from "./guarded.ts";
import { z } from "zod";

/** One row a load rejected: where and why, never the value. */
export const RejectedRow = z.object({ row: z.number().int(), column: z.string().nullable(), reason: z.string() });
export type RejectedRow = z.infer<typeof RejectedRow>;

/** A customer a held run would remove, as stored now (names and numbers are for approvers only). */
export const HeldRemoval = z.object({ customerId: z.string(), name: z.string(), contactNumber: z.string() });
export type HeldRemoval = z.infer<typeof HeldRemoval>;

export interface ReviewStore {
  rejects(runId: string): Promise<RejectedRow[]>;
  removalCount(runId: string): Promise<number>;
  removals(runId: string, limit: number): Promise<HeldRemoval[]>;
}

/** Reads what the loader kept for the run page (crm_sync.run_rejects, crm_sync.held_removals). */
export function createReviewStore(db: Database): ReviewStore {
  const sql = db.sql;
  return {
    rejects: (runId) =>
      guarded(async () => {
        const rows = await sql`
          select row_no as row, column_name as column, reason from crm_sync.run_rejects where run_id = ${runId} order by seq`;
        return rows.map((row) => RejectedRow.parse(row));
      }),
    removalCount: (runId) =>
      guarded(async () => {
        const [row] = await sql<{ count: string }[]>`select count(*) as count from crm_sync.held_removals where run_id = ${runId}`;
        return Number(row?.count ?? 0);
      }),
    removals: (runId, limit) =>
      guarded(async () => {
        const rows = await sql`
          select c.id::text as "customerId", c.customer_name as name, c.contact_number as "contactNumber"
          from crm_sync.held_removals h join crm_sync.customers c on c.id = h.customer_id
          where h.run_id = ${runId} order by c.customer_name, c.id limit ${limit}`;
        return rows.map((row) => HeldRemoval.parse(row));
      }),
  };
}
