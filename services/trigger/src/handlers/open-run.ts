import { randomBytes } from "node:crypto";
import type { EventOf, EventType } from "@crm-sync/contracts";
import type { EventBus } from "@crm-sync/bus";
import { forRun, type Logger } from "@crm-sync/logging";
import { withSpan } from "@crm-sync/telemetry";
import type { Run } from "../domain/run.ts";
import type { RunChanges } from "../live/run-changes.ts";
import type { RunStore } from "../store/runs-store.ts";

export interface OpenRunDeps {
  store: RunStore;
  bus: EventBus;
  changes: RunChanges;
  logger: Logger;
  clock: () => Date;
}

/** `run-20261126T020000Z-1a2b3c`: sortable by eye, unique, safe in object names. */
export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  return `run-${stamp}-${randomBytes(3).toString("hex")}`;
}

export const PUBLISH_FAILED_MESSAGE = "The sync request could not be queued. Please try again.";

/**
 * `run` is the run that does the work (the request's own record when it opened it); `request`
 * the caller's own record. `busy`: a run is active and this caller may not join it.
 */
export type OpenRunResult =
  | { outcome: "started" | "coalesced"; run: Run; request: Run }
  | { outcome: "busy"; run: Run }
  | { outcome: "unpublished" };

/**
 * One run at a time: the request is recorded under the single-flight lock before anything is
 * published (see RunStore.request), so concurrent requests from any way in join one run and the
 * ledger already knows the run when its first event arrives. `first` is what sets an opened run
 * moving: its scrape-requested or, for a replay, the csv-ready of a stored export.
 */
export async function openRun<T extends EventType>(
  deps: OpenRunDeps,
  request: EventOf<"sync-requested">,
  first: EventOf<T>,
  options: { joinActive: boolean },
): Promise<OpenRunResult> {
  const result = await deps.store.request(request, { joinActive: options.joinActive });
  if (result.decision === "busy") return { outcome: "busy", run: result.serving };
  deps.changes.announce(result.record);
  if (result.decision !== "opened") return { outcome: "coalesced", run: result.serving, request: result.record };
  const log = forRun(deps.logger, request.runId);
  try {
    await dispatchRun(deps, request, first);
  } catch (error) {
    log.error({ err: error, type: first.type }, "could not publish the run's first event");
    // Without its message nothing will ever work on the run: close it now so the next request
    // starts a fresh one instead of joining a run that cannot move.
    const failed = await deps.store.update(request.runId, (current) =>
      current === undefined
        ? undefined
        : {
            ...current,
            status: "failed",
            finishedAt: deps.clock(),
            stageMessage: PUBLISH_FAILED_MESSAGE,
            error: { code: "INTERNAL", message: PUBLISH_FAILED_MESSAGE, retryable: false },
            destinationUntouched: true,
          },
    );
    if (failed.after !== undefined) deps.changes.announce(failed.after);
    return { outcome: "unpublished" };
  }
  log.info({ trigger: request.data.trigger }, "sync requested");
  return { outcome: "started", run: result.record, request: result.record };
}

/**
 * Publishes an opened run's first work message, once however many copies of its request arrive
 * together (RunStore.dispatchOnce). A failed publish throws: the caller fails the run or asks
 * for redelivery.
 */
export async function dispatchRun<T extends EventType>(deps: OpenRunDeps, request: EventOf<"sync-requested">, first: EventOf<T>): Promise<void> {
  const publish = () =>
    // The run's trace starts here: every service's spans for this run join it through the message attributes.
    withSpan("sync request", { "crm_sync.run_id": request.runId, "crm_sync.trigger": request.data.trigger }, () => deps.bus.publish(first), { kind: "producer" });
  const dispatched = await deps.store.dispatchOnce(request.runId, deps.clock(), publish);
  if (dispatched !== undefined) deps.changes.announce(dispatched);
}
