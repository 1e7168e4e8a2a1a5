import { randomBytes } from "node:crypto";
import type { EventOf, EventType } from "@crm-sync/contracts";
import type { EventBus } from "@crm-sync/bus";
import { forRun, type Logger } from "@crm-sync/logging";
import { withSpan } from "@crm-sync/telemetry";
import { applyEvent } from "../domain/ledger.ts";
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

export type OpenRunResult = { outcome: "started" | "coalesced"; run: Run } | { outcome: "unpublished" };

/**
 * One run at a time: the run row is inserted (or the active run found) under a database lock
 * before anything is published, so concurrent requests coalesce on one run and the ledger
 * already knows the run when its first event arrives. `first` is what sets the run moving:
 * its sync-requested (a scrape) or, for a replay, the csv-ready of a stored export.
 */
export async function openRun<T extends EventType>(deps: OpenRunDeps, request: EventOf<"sync-requested">, first: EventOf<T>): Promise<OpenRunResult> {
  const started = await deps.store.startOrCoalesce(() => applyEvent(undefined, request));
  if (started.coalesced) return { outcome: "coalesced", run: started.run };
  const log = forRun(deps.logger, request.runId);
  deps.changes.announce(started.run);
  try {
    // The run's trace starts here: every service's spans for this run join it through the message attributes.
    await withSpan("sync request", { "crm_sync.run_id": request.runId, "crm_sync.trigger": request.data.trigger }, () => deps.bus.publish(first), { kind: "producer" });
  } catch (error) {
    log.error({ err: error, type: first.type }, "could not publish the run's first event");
    // Without its message nothing will ever work on the run: close it now so the next request
    // starts a fresh one instead of coalescing onto a run that cannot move.
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
  return { outcome: "started", run: started.run };
}
