import { randomUUID } from "node:crypto";
import { PubSub } from "@google-cloud/pubsub";
import type { AuthClient } from "google-auth-library";
import { makeEvent, TOPICS } from "../../contracts/src/index.ts";
import { SyncRequestError } from "./errors.ts";
import type { SyncRequester } from "./requester.ts";

export interface PubSubTarget {
  projectId: string;
  /** `host:port` of the Pub/Sub emulator; no credentials are used then. */
  emulatorHost?: string;
  /** Workload Identity Federation or a service-account key (see credentials.ts). */
  auth?: AuthClient;
}

// gRPC status codes that mean the credentials, not the service, are at fault.
const REFUSED = new Set([7 /* PERMISSION_DENIED */, 16 /* UNAUTHENTICATED */]);

function pubsubClient(target: PubSubTarget): PubSub {
  if (target.emulatorHost !== undefined) {
    // As libs/bus does: naming the universe keeps google-auth from probing a metadata server.
    return new PubSub({ projectId: target.projectId, apiEndpoint: target.emulatorHost, emulatorMode: true, universeDomain: "googleapis.com" });
  }
  return new PubSub({ projectId: target.projectId, ...(target.auth === undefined ? {} : { authClient: target.auth }) });
}

/**
 * Gets the access token before publishing (the client caches it for the publish), so a missing
 * Vercel token or a refused exchange is reported as such, not as a failed publish.
 */
async function authorize(auth: AuthClient): Promise<void> {
  try {
    await auth.getRequestHeaders();
  } catch (error) {
    if (error instanceof SyncRequestError) throw error;
    const status = (error as { response?: { status?: unknown } }).response?.status;
    if (typeof status === "number" && status >= 400 && status < 500) {
      throw new SyncRequestError("CREDENTIALS_REFUSED", `Google refused the publisher's credentials (HTTP ${status} from the token exchange).`, { cause: error });
    }
    throw new SyncRequestError("PUBLISH_FAILED", "Google's token service could not be reached.", { cause: error });
  }
}

/**
 * Publishes a `sync-requested` event (the contract in libs/contracts, compiled into this
 * package). The run id is chosen here, so the caller can show that run's status at once; the
 * trigger's ledger records the request from the same event the scraper consumes.
 */
export function pubsubRequester(target: PubSubTarget): SyncRequester {
  return {
    async requestSync(input) {
      const event = makeEvent("sync-requested", `run-${randomUUID()}`, { trigger: input.trigger ?? "manual", requestedBy: input.requestedBy.slice(0, 200) });
      if (target.auth !== undefined) await authorize(target.auth);
      const client = pubsubClient(target);
      try {
        const messageId = await client.topic(TOPICS.syncRequested).publishMessage({
          data: Buffer.from(JSON.stringify(event)),
          attributes: { type: event.type, runId: event.runId },
        });
        return { runId: event.runId, via: "pubsub", coalesced: false, messageId };
      } catch (error) {
        const grpcCode = (error as { code?: unknown }).code;
        if (typeof grpcCode === "number" && REFUSED.has(grpcCode)) {
          throw new SyncRequestError("CREDENTIALS_REFUSED", `Pub/Sub refused the publisher's credentials (gRPC ${grpcCode}).`, { cause: error });
        }
        throw new SyncRequestError("PUBLISH_FAILED", `The sync request could not be published${typeof grpcCode === "number" ? ` (gRPC ${grpcCode})` : ""}.`, { cause: error });
      } finally {
        await client.close().catch(() => undefined);
      }
    },
  };
}
