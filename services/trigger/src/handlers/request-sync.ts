import { makeEvent } from "@crm-sync/contracts";
import type { EventHandler } from "@crm-sync/bus";
import { forRun } from "@crm-sync/logging";
import { toSyncError } from "@crm-sync/errors";
import { needsDispatch } from "../domain/single-flight.ts";
import { dispatchRun, type OpenRunDeps } from "./open-run.ts";

function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent?.split("-")[1];
}

/**
 * `sync-requested` from any publisher (Cloud Scheduler's bare body, an outside app, a script):
 * the ledger decides. A request while a run is active joins it; otherwise it opens a run and
 * hands it to the scraper with `scrape-requested`. A redelivery finds its record and changes
 * nothing, except that an opened run whose hand-over never went out is handed over now. Any
 * failure asks for redelivery (Pub/Sub retries, then dead-letters to the notifier).
 */
export function requestSync(deps: OpenRunDeps): EventHandler<"sync-requested"> {
  return async ({ event, attributes }) => {
    const log = forRun(deps.logger, event.runId);
    try {
      const traceId = traceIdOf(attributes.traceparent);
      const result = await deps.store.request(event, { joinActive: true, ...(traceId === undefined ? {} : { traceId }) });
      if (result.decision === "busy") throw new Error("a joinable request was refused as busy");
      deps.changes.announce(result.record);
      log.info({ trigger: event.data.trigger, decision: result.decision, servedBy: result.serving.id }, "sync request decided");
      if (needsDispatch(result.record)) {
        const first = makeEvent("scrape-requested", event.runId, { trigger: event.data.trigger }, result.record.requestedAt);
        await dispatchRun(deps, event, first);
      }
      return "ack";
    } catch (error) {
      const failure = toSyncError(error);
      log.error({ err: failure, code: failure.code }, "could not decide the sync request; asking for redelivery");
      return "retry";
    }
  };
}
