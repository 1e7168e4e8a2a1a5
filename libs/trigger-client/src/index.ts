export { createTriggerClient, TriggerClientError } from "./trigger-client.ts";
export type { TriggerClient, TriggerClientOptions, WaitOptions } from "./trigger-client.ts";
export { RunCounts, RunPhase, RunView, StartResponse, RunList, FreshnessView, ApiErrorBody, SyncRequestBody, isFinishedView } from "./views.ts";
