export { ERROR_CODES, ErrorCode, isRetryable } from "./error-codes.ts";
export { STAGES, Stage, phaseOf, stageIndex } from "./stages.ts";
export { RunId, runIdFromMessageId } from "./ids.ts";
export {
  TOPICS,
  ALL_TOPICS,
  TriggerKind,
  SyncRequestedData,
  ScrapeRequestedData,
  SyncProgressData,
  StoredObject,
  CsvReadyData,
  SyncCounts,
  SyncCompletedData,
  Artifact,
  FailureStage,
  SyncFailedData,
  SyncRequested,
  ScrapeRequested,
  SyncProgress,
  CsvReady,
  SyncCompleted,
  SyncFailed,
  SyncEvent,
  EVENT_SCHEMAS,
  DEAD_LETTER_TOPIC,
  subscriptionName,
} from "./events.ts";
export type { Topic, EventType, EventOf, DataOf } from "./events.ts";
export { MessageAttributes } from "./attributes.ts";
export { parseEvent, parseSyncRequested, describeIssues } from "./parse-event.ts";
export type { ParseResult, TransportFacts } from "./parse-event.ts";
export { makeEvent } from "./make-event.ts";
export { CSV_HEADER, CSV_COLUMNS } from "./csv-header.ts";
