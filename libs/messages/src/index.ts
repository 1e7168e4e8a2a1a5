export { LANGUAGES, Language, type Bilingual } from "./language.ts";
export { CLUB_TIME_ZONE, formatConventions, formatDateTime, formatDuration, formatNumber } from "./format.ts";
export { REJECT_TEXT, type RejectReason } from "./reject-text.ts";
export { FAILURE_TEXT, type FailureText } from "./failure-text.ts";
export { REQUEST_TEXT, STAGE_TEXT, STATUS_TEXT, TABLE_TOUCHED_TEXT, type RequestKind, type RunStatus } from "./run-text.ts";
export { messageCatalog, type MessageCatalog } from "./catalog.ts";
