import type { EventType } from "@crm-sync/contracts";
import type { EventHandler } from "@crm-sync/bus";
import type { Logger } from "@crm-sync/logging";
import { forRun } from "@crm-sync/logging";
import { toSyncError } from "@crm-sync/errors";
import { applyEvent } from "../domain/ledger.ts";
import type { RunStore } from "../store/runs-store.ts";
import type { RunChanges } from "../live/run-changes.ts";

export interface ProjectionDeps {
  store: RunStore;
  changes: RunChanges;
  logger: Logger;
}

function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent?.split("-")[1];
}

/**
 * Folds one delivered event into crm_sync.runs. Idempotent by construction (the ledger rules
 * ignore what is already known), so redeliveries are harmless. Any failure asks for
 * redelivery: losing a ledger event would leave a run wrong for good, and a message that can
 * never apply ends in the dead-letter topic after the subscription's attempts.
 */
export function projectEvent<T extends EventType>(deps: ProjectionDeps): EventHandler<T> {
  return async ({ event, attributes }) => {
    const log = forRun(deps.logger, event.runId);
    try {
      const result = await deps.store.update(event.runId, (current) => applyEvent(current, event, traceIdOf(attributes.traceparent)));
      if (result.changed && result.after !== undefined) {
        deps.changes.announce(result.after);
        log.info({ type: event.type, status: result.after.status, stage: result.after.stage }, "ledger updated");
      } else {
        log.debug({ type: event.type }, "event changed nothing in the ledger");
      }
      return "ack";
    } catch (error) {
      const failure = toSyncError(error);
      log.error({ err: failure, type: event.type, code: failure.code }, "could not project event; asking for redelivery");
      return "retry";
    }
  };
}
