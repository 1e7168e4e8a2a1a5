import { workloadIdentityClient, parseServiceAccountKey, serviceAccountKeyClient } from "./credentials.ts";
import type { VercelSyncEnv } from "./env.ts";
import { SyncRequestError } from "./errors.ts";
import { pubsubRequester } from "./publisher.ts";
import { httpRequester, type SyncRequester } from "./requester.ts";

/**
 * Vercel hands each function invocation its OIDC token in this header (and builds and
 * `vercel env pull` put one in VERCEL_OIDC_TOKEN); the header is the fresher of the two.
 */
export const VERCEL_OIDC_HEADER = "x-vercel-oidc-token";

export function vercelOidcToken(request: Request | undefined, env: VercelSyncEnv): string | undefined {
  return request?.headers.get(VERCEL_OIDC_HEADER) ?? env.VERCEL_OIDC_TOKEN;
}

/** The subject-token supplier for WIF: this request's Vercel OIDC token, or a typed refusal. */
export function vercelSubjectToken(request: Request | undefined, env: VercelSyncEnv): () => Promise<string> {
  return async () => {
    const token = vercelOidcToken(request, env);
    if (token === undefined) {
      throw new SyncRequestError("OIDC_TOKEN_MISSING", `No Vercel OIDC token: turn on OIDC federation in the Vercel project (the ${VERCEL_OIDC_HEADER} header) or set VERCEL_OIDC_TOKEN.`);
    }
    return token;
  };
}

/** Picks the requester the environment describes: emulator, service-account key, WIF, or the trigger API. */
export function requesterFromEnv(env: VercelSyncEnv, request?: Request): SyncRequester {
  if (env.CRM_SYNC_TRANSPORT === "http") return httpRequester({ baseUrl: env.CRM_SYNC_API_URL ?? "", token: env.CRM_SYNC_API_TOKEN ?? "" });
  const projectId = env.GCP_PROJECT_ID ?? "";
  if (env.PUBSUB_EMULATOR_HOST !== undefined) return pubsubRequester({ projectId, emulatorHost: env.PUBSUB_EMULATOR_HOST });
  if (env.GCP_SERVICE_ACCOUNT_KEY !== undefined) {
    return pubsubRequester({ projectId, auth: serviceAccountKeyClient(parseServiceAccountKey(env.GCP_SERVICE_ACCOUNT_KEY)) });
  }
  const auth = workloadIdentityClient(
    {
      projectNumber: env.GCP_PROJECT_NUMBER ?? "",
      poolId: env.GCP_WORKLOAD_IDENTITY_POOL_ID ?? "",
      providerId: env.GCP_WORKLOAD_IDENTITY_POOL_PROVIDER_ID ?? "",
      serviceAccountEmail: env.GCP_SERVICE_ACCOUNT_EMAIL ?? "",
    },
    vercelSubjectToken(request, env),
  );
  return pubsubRequester({ projectId, auth });
}
