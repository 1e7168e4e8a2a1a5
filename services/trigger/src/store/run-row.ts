import { z } from "zod";
import { Artifact, ErrorCode, FailureStage, Stage, StoredObject, SyncCounts, TriggerKind } from "@crm-sync/contracts";
import type { Run } from "../domain/run.ts";

/**
 * A crm_sync.runs row as it comes back from the database. Parsed, not trusted: the loader
 * writes to this table too, and an old row may predate a column.
 */
export const RunRow = z.object({
  id: z.string(),
  trigger: z.union([TriggerKind, z.literal("unknown")]),
  requested_by: z.string().nullable(),
  status: z.enum(["queued", "running", "succeeded", "failed"]),
  stage: FailureStage,
  stage_message: z.string().nullable(),
  stage_message_at: z.date().nullable(),
  requested_at: z.date(),
  started_at: z.date().nullable(),
  stage_changed_at: z.date(),
  // jsonb {stage: ISO time}; a row written before the column existed, or by the loader, has {}.
  stage_times: z.partialRecord(Stage, z.iso.datetime({ offset: true }).transform((text) => new Date(text))),
  finished_at: z.date().nullable(),
  // The loader writes counts and source_object too, from the same contract types.
  counts: SyncCounts.nullable(),
  duration_ms: z.number().int().nullable(),
  error_code: ErrorCode.nullable(),
  error_message: z.string().nullable(),
  error_retryable: z.boolean().nullable(),
  destination_untouched: z.boolean().nullable(),
  artifacts: z.array(Artifact),
  source_object: StoredObject.nullable(),
  rows_in_file: z.number().int().nullable(),
  portal_total: z.number().int().nullable(),
  attempt: z.number().int(),
  approved_at: z.date().nullable(),
  approved_by: z.string().nullable(),
  discarded_at: z.date().nullable(),
  discarded_by: z.string().nullable(),
  stage_timed_out: z.boolean(),
  trace_id: z.string().nullable(),
  served_by: z.string().nullable(),
  dispatched_at: z.date().nullable(),
});
export type RunRow = z.infer<typeof RunRow>;

export const RUN_COLUMNS = Object.keys(RunRow.shape);

export function runFromRow(input: unknown): Run {
  const row = RunRow.parse(input);
  return {
    id: row.id,
    trigger: row.trigger,
    requestedBy: row.requested_by,
    status: row.status,
    stage: row.stage,
    stageMessage: row.stage_message,
    stageMessageAt: row.stage_message_at,
    requestedAt: row.requested_at,
    startedAt: row.started_at,
    stageChangedAt: row.stage_changed_at,
    stageTimes: row.stage_times,
    finishedAt: row.finished_at,
    counts: row.counts,
    durationMs: row.duration_ms,
    error:
      row.error_code === null
        ? null
        : { code: row.error_code, message: row.error_message ?? "", retryable: row.error_retryable ?? false },
    destinationUntouched: row.destination_untouched,
    artifacts: row.artifacts,
    sourceObject: row.source_object,
    rowsInFile: row.rows_in_file,
    portalTotal: row.portal_total,
    attempt: row.attempt,
    approvedAt: row.approved_at,
    approvedBy: row.approved_by,
    discardedAt: row.discarded_at,
    discardedBy: row.discarded_by,
    stageTimedOut: row.stage_timed_out,
    traceId: row.trace_id,
    servedBy: row.served_by,
    dispatchedAt: row.dispatched_at,
  };
}
