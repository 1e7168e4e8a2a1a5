import type { Sql, TransactionSql } from "postgres";
import type { StoredObject, SyncCounts } from "@crm-sync/contracts";

const CONSUMER = "loader";

export interface ProcessedLoad {
  counts: SyncCounts;
  durationMs: number;
  /** Whether sync-completed went out; a crash between commit and publish leaves it false. */
  published: boolean;
}

/** The idempotency key of a csv-ready: the same run and the same bytes are the same load. */
export function loadMessageKey(runId: string, sha256: string): string {
  return `${runId}:${sha256}`;
}

export async function findProcessedLoad(sql: Sql | TransactionSql, key: string): Promise<ProcessedLoad | undefined> {
  const [row] = await sql<Array<{ result: ProcessedLoad }>>`
    select result from crm_sync.processed_messages where consumer = ${CONSUMER} and message_key = ${key}`;
  return row?.result;
}

export async function recordProcessedLoad(tx: TransactionSql, key: string, runId: string, result: ProcessedLoad): Promise<void> {
  await tx`
    insert into crm_sync.processed_messages (consumer, message_key, run_id, result)
    values (${CONSUMER}, ${key}, ${runId}, ${JSON.stringify(result)}::text::jsonb)`;
}

/**
 * Publishes a load's sync-completed at most once per committed load, however many copies of its
 * csv-ready arrive together: the row lock makes copies wait, and they find it published. The
 * mark commits only after the publish succeeded, so a failed publish is retried on redelivery.
 */
export async function publishCompletionOnce(sql: Sql, key: string, publish: () => Promise<unknown>): Promise<boolean> {
  return await sql.begin(async (tx) => {
    const [row] = await tx<Array<{ published: boolean | null }>>`
      select (result->>'published')::boolean as published from crm_sync.processed_messages
      where consumer = ${CONSUMER} and message_key = ${key} for update`;
    if (row === undefined) throw new Error("the load's processed-message record is missing");
    if (row.published === true) return false;
    await publish();
    await tx`
      update crm_sync.processed_messages set result = result || '{"published": true}'::jsonb
      where consumer = ${CONSUMER} and message_key = ${key}`;
    return true;
  });
}

/** The trigger inserts run rows; the loader only fills in what it learned, when the row exists. */
export async function recordRunOutcome(
  sql: Sql | TransactionSql,
  runId: string,
  facts: { sha256: string; rows: number; counts?: SyncCounts; sourceObject?: StoredObject },
): Promise<void> {
  await sql`
    update crm_sync.runs set
      sha256 = ${facts.sha256},
      rows_in_file = ${facts.rows},
      counts = coalesce(${facts.counts === undefined ? null : JSON.stringify(facts.counts)}::text::jsonb, counts),
      source_object = coalesce(${facts.sourceObject === undefined ? null : JSON.stringify(facts.sourceObject)}::text::jsonb, source_object),
      updated_at = now()
    where id = ${runId}`;
}

/** A run's recorded export, when the loader has seen it (a held run is recorded when refused). */
export async function findHeldRun(sql: Sql, runId: string): Promise<{ object: StoredObject; rows: number } | undefined> {
  const [row] = await sql<Array<{ source_object: StoredObject | null; rows_in_file: number | null }>>`
    select source_object, rows_in_file from crm_sync.runs where id = ${runId}`;
  if (row === undefined || row.source_object === null) return undefined;
  return { object: row.source_object, rows: row.rows_in_file ?? 0 };
}
