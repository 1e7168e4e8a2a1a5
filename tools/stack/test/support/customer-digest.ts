import { createHash } from "node:crypto";
import type { Database } from "@crm-sync/db";

/**
 * What "the table equals the export" means here: the active customers' keys and content
 * hashes. Ids, run stamps and soft-deleted rows are left out: they record history, which a
 * crashed and retried run may legitimately leave different from a clean one.
 */
export async function activeCustomerDigest(db: Database): Promise<{ active: number; digest: string }> {
  const rows = await db.sql<Array<{ customer_key: string; row_hash: string }>>`
    select customer_key, row_hash from crm_sync.customers where deleted_at is null order by customer_key`;
  const hash = createHash("sha256");
  for (const row of rows) hash.update(`${row.customer_key}\u0000${row.row_hash}\n`);
  return { active: rows.length, digest: hash.digest("hex") };
}
