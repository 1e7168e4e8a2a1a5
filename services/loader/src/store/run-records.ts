import type { Sql, TransactionSql } from "postgres";
import type { StoredObject, SyncCounts } from "@crm-sync/contracts";
import { jsonbLiteral, sqlLiteral } from "@crm-sync/db";
import type { RejectReport } from "../domain/reject-reason.ts";

const CONSUMER = "loader";

// Values travel as literals, not bind parameters, so these statements can share a round trip
// with the load's others (see sqlLiteral); `execute()` sends each at the call, so statements
// keep the order of the calls that made them.

export interface ProcessedLoad {
  counts: SyncCounts;
  /** Absent from loads recorded before reject reasons were kept. */
  rejects?: RejectReport;
  /** Whether sync-completed went out; a crash between commit and publish leaves it false. */
  published: boolean;
}

/** The idempotency key of a csv-ready: the same run and the same bytes are the same load. */
export function loadMessageKey(runId: string, sha256: string): string {
  return `${runId}:${sha256}`;
}

export async function findProcessedLoad(sql: Sql | TransactionSql, key: string): Promise<ProcessedLoad | undefined> {
  const [row] = await sql.unsafe<Array<{ result: ProcessedLoad }>>(
    `select result from crm_sync.processed_messages where consumer = ${sqlLiteral(CONSUMER)} and message_key = ${sqlLiteral(key)}`,
  ).execute();
  return row?.result;
}

export async function recordProcessedLoad(tx: Sql | TransactionSql, key: string, runId: string, result: ProcessedLoad): Promise<void> {
  await tx.unsafe(
    `insert into crm_sync.processed_messages (consumer, message_key, run_id, result)
     values (${sqlLiteral(CONSUMER)}, ${sqlLiteral(key)}, ${sqlLiteral(runId)}, ${jsonbLiteral(result)})`,
  ).execute();
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
  await sql.unsafe(
    `update crm_sync.runs set
       sha256 = ${sqlLiteral(facts.sha256)},
       rows_in_file = ${Math.trunc(facts.rows)},
       ${facts.counts === undefined ? "" : `counts = ${jsonbLiteral(facts.counts)},`}
       ${facts.sourceObject === undefined ? "" : `source_object = ${jsonbLiteral(facts.sourceObject)},`}
       updated_at = now()
     where id = ${sqlLiteral(runId)}`,
  ).execute();
}

/** A run's recorded export, when the loader has seen it (a held run is recorded when refused). */
export async function findHeldRun(sql: Sql, runId: string): Promise<{ object: StoredObject; rows: number } | undefined> {
  const [row] = await sql<Array<{ source_object: StoredObject | null; rows_in_file: number | null }>>`
    select source_object, rows_in_file from crm_sync.runs where id = ${runId}`;
  if (row === undefined || row.source_object === null) return undefined;
  return { object: row.source_object, rows: row.rows_in_file ?? 0 };
}
