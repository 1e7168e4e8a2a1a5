import type { Sql } from "postgres";

/** Synthetic ledger rows: a success two hours ago, a later failure, and a run still queued. */
export const SYNTHETIC_RUNS = {
  succeeded: "run-supabase-succeeded",
  failed: "run-supabase-failed",
  queued: "run-supabase-queued",
} as const;

export const SYNTHETIC_COUNTS = { rows: 3, inserted: 2, updated: 0, unchanged: 0, softDeleted: 1, revived: 0, rejected: 0 };

/** Inserts the runs above and three customers (two active, one soft-deleted) as the table owner. */
export async function seedSyntheticData(sql: Sql): Promise<void> {
  await sql`
    insert into crm_sync.runs (id, trigger, requested_by, status, stage, requested_at, started_at, stage_changed_at, finished_at, counts, duration_ms)
    values (${SYNTHETIC_RUNS.succeeded}, 'schedule', null, 'succeeded', 'done',
            now() - interval '3 hours', now() - interval '3 hours', now() - interval '2 hours', now() - interval '2 hours',
            ${sql.json(SYNTHETIC_COUNTS)}, 61000)`;
  await sql`
    insert into crm_sync.runs (id, trigger, requested_by, status, stage, requested_at, started_at, stage_changed_at, finished_at,
                               error_code, error_message, error_retryable, destination_untouched)
    values (${SYNTHETIC_RUNS.failed}, 'manual', 'front desk', 'failed', 'scraping',
            now() - interval '1 hour', now() - interval '1 hour', now() - interval '50 minutes', now() - interval '50 minutes',
            'PORTAL_UNAVAILABLE', 'The portal did not answer.', true, true)`;
  await sql`
    insert into crm_sync.runs (id, trigger, status, stage, requested_at, stage_changed_at)
    values (${SYNTHETIC_RUNS.queued}, 'api', 'queued', 'queued', now() - interval '1 minute', now() - interval '1 minute')`;
  await sql`
    insert into crm_sync.customers (store, customer_name, contact_number, customer_key, row_hash, first_seen_run, deleted_at)
    values ('Synthetic Store', 'Synthetic Customer 1', '0800000001', '+66800000001', 'hash-1', ${SYNTHETIC_RUNS.succeeded}, null),
           ('Synthetic Store', 'Synthetic Customer 2', '0800000002', '+66800000002', 'hash-2', ${SYNTHETIC_RUNS.succeeded}, null),
           ('Synthetic Store', 'Synthetic Customer 3', '0800000003', '+66800000003', 'hash-3', ${SYNTHETIC_RUNS.succeeded}, now())`;
}
