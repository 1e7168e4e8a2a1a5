export { requestSync } from "./request-sync.ts";
export { createSyncRoutes } from "./routes.ts";
export type { SyncRoutes, SyncRoutesOptions } from "./routes.ts";
export { supabaseSession, bearerToken } from "./session.ts";
export type { GetSession, StaffSession } from "./session.ts";
export { pubsubRequester } from "./publisher.ts";
export type { PubSubTarget } from "./publisher.ts";
export { httpRequester } from "./requester.ts";
export type { SyncRequester, SyncRequestInput, SyncRequestReceipt } from "./requester.ts";
export { requesterFromEnv, vercelOidcToken, vercelSubjectToken, VERCEL_OIDC_HEADER } from "./from-env.ts";
export { VercelSyncEnv, parseVercelSyncEnv } from "./env.ts";
export { workloadIdentityClient, serviceAccountKeyClient, parseServiceAccountKey, ServiceAccountKey } from "./credentials.ts";
export type { WorkloadIdentity } from "./credentials.ts";
export { SyncRequestError } from "./errors.ts";
export type { SyncRequestErrorCode } from "./errors.ts";
export {
  createStatusClient,
  readSyncStatus,
  readLatestRuns,
  readRun,
  readFreshness,
  isServiceRoleKey,
  StatusReadError,
  RUN_STATUS_COLUMNS,
} from "./status.ts";
export type { StatusClient, StatusClientOptions, StatusErrorCode, RunStatus } from "./status.ts";
export type { FreshnessView, RunPhase } from "../../trigger-client/src/index.ts";
