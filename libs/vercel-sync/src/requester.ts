import { createTriggerClient, TriggerClientError } from "../../trigger-client/src/index.ts";
import { SyncRequestError } from "./errors.ts";

export interface SyncRequestInput {
  /** Who pressed the button, as the app's session names them (kept in the run ledger). */
  requestedBy: string;
  /** `manual` for a person at a button (the default), `api` for a script. */
  trigger?: "manual" | "api";
}

export interface SyncRequestReceipt {
  runId: string;
  via: "pubsub" | "http";
  /** True when the trigger API answered with the run already active (HTTP path only). */
  coalesced: boolean;
  /** The Pub/Sub message id (Pub/Sub path only). */
  messageId?: string;
}

export interface SyncRequester {
  requestSync(input: SyncRequestInput): Promise<SyncRequestReceipt>;
}

/**
 * The older path, kept as an option: the trigger's HTTP API opens the run (joining an active
 * one) and publishes for us. Needs a trigger URL and an API token instead of Google credentials.
 */
export function httpRequester(options: { baseUrl: string; token: string; fetch?: typeof fetch }): SyncRequester {
  const client = createTriggerClient(options);
  return {
    async requestSync(input) {
      try {
        const { run, coalesced } = await client.requestSync({ trigger: input.trigger ?? "manual" });
        return { runId: run.runId, via: "http", coalesced };
      } catch (error) {
        if (error instanceof TriggerClientError && error.status >= 400 && error.status < 500) {
          throw new SyncRequestError("TRIGGER_REFUSED", `The trigger API refused the request (${error.status} ${error.code}).`, { cause: error });
        }
        throw new SyncRequestError("TRIGGER_UNAVAILABLE", "The trigger API could not be reached.", { cause: error });
      }
    },
  };
}
