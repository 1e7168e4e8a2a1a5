export { startTelemetry } from "./start-telemetry.ts";
export type { TelemetryOptions, StopTelemetry, OtlpAuth } from "./start-telemetry.ts";
export { traceRequests } from "./http-server-spans.ts";
export { traceAttributes, contextFromAttributes, currentTraceId } from "./propagation.ts";
export type { TraceAttributes, TraceContext } from "./propagation.ts";
export { withSpan } from "./with-span.ts";
export type { SpanOptions, SpanKindName } from "./with-span.ts";
export { stageSpans } from "./stage-spans.ts";
export type { StageSpans } from "./stage-spans.ts";
