import { MIRRORED_FIELDS } from "../domain/single-flight.ts";

type MirroredField = (typeof MIRRORED_FIELDS)[number];

/** The crm_sync.runs columns behind each mirrored field (the type makes the list complete). */
const COLUMNS_OF: Readonly<Record<MirroredField, readonly string[]>> = {
  status: ["status"],
  stage: ["stage"],
  stageMessage: ["stage_message"],
  stageMessageAt: ["stage_message_at"],
  startedAt: ["started_at"],
  stageChangedAt: ["stage_changed_at"],
  stageTimes: ["stage_times"],
  finishedAt: ["finished_at"],
  counts: ["counts"],
  durationMs: ["duration_ms"],
  error: ["error_code", "error_message", "error_retryable"],
  destinationUntouched: ["destination_untouched"],
  artifacts: ["artifacts"],
  sourceObject: ["source_object", "sha256"],
  rowsInFile: ["rows_in_file"],
  portalTotal: ["portal_total"],
  attempt: ["attempt"],
  approvedAt: ["approved_at"],
  approvedBy: ["approved_by"],
  discardedAt: ["discarded_at"],
  discardedBy: ["discarded_by"],
  stageTimedOut: ["stage_timed_out"],
};

/** `status = serving.status, …` for an update of the joined rows from their serving run. */
export const MIRROR_ASSIGNMENTS = MIRRORED_FIELDS.flatMap((field) => COLUMNS_OF[field])
  .map((column) => `${column} = serving.${column}`)
  .join(", ");
