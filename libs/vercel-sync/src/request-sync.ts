import { parseVercelSyncEnv } from "./env.ts";
import { requesterFromEnv } from "./from-env.ts";
import type { SyncRequestInput, SyncRequestReceipt } from "./requester.ts";

/**
 * Requests a customer sync the way the environment says (Pub/Sub by default). Pass the incoming
 * request so its Vercel OIDC header is used for Workload Identity Federation. Check the app's
 * own session before calling this: it publishes for whoever calls it.
 */
export async function requestSync(
  input: SyncRequestInput,
  options: { request?: Request; env?: Record<string, string | undefined> } = {},
): Promise<SyncRequestReceipt> {
  return await requesterFromEnv(parseVercelSyncEnv(options.env ?? process.env), options.request).requestSync(input);
}
