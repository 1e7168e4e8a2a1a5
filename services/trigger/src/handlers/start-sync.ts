import { randomBytes } from "node:crypto";
import type { RequestHandler } from "express";
import { describeIssues, makeEvent } from "@crm-sync/contracts";
import type { EventBus } from "@crm-sync/bus";
import { forRun, type Logger } from "@crm-sync/logging";
import { withSpan } from "@crm-sync/telemetry";
import { SyncRequestBody } from "@crm-sync/trigger-client";
import { applyEvent } from "../domain/ledger.ts";
import { toRunView } from "../domain/run-view.ts";
import type { RunStore } from "../store/runs-store.ts";
import type { RunChanges } from "../live/run-changes.ts";
import { sendError } from "./api-errors.ts";

export interface StartSyncDeps {
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
 * `POST /v1/syncs`: one run at a time. The run row is inserted (or the active run found) under
 * a database lock before anything is published, so concurrent presses coalesce on one run and
 * the ledger already knows the run when its first event arrives.
 */
export function startSync(deps: StartSyncDeps): RequestHandler {
  return async (req, res) => {
    const body = SyncRequestBody.safeParse(req.body ?? {});
    if (!body.success) return sendError(res, 400, "INVALID_REQUEST", `Invalid request body: ${describeIssues(body.error)}`);
    const now = deps.clock();
    // A service account names itself; a static token says nothing about who pressed the button.
    const requestedBy = body.data.requestedBy ?? (res.locals["serviceAccount"] as string | undefined);
    const event = makeEvent(
      "sync-requested",
      newRunId(now),
      { trigger: body.data.trigger ?? "manual", ...(requestedBy === undefined ? {} : { requestedBy }) },
      now,
    );
    const started = await deps.store.startOrCoalesce(() => applyEvent(undefined, event));
    if (started.coalesced) return res.status(202).json({ run: toRunView(started.run), coalesced: true });

    const log = forRun(deps.logger, event.runId);
    deps.changes.announce(started.run);
    try {
      // The run's trace starts here: every service's spans for this run join it through the message attributes.
      await withSpan("sync request", { "crm_sync.run_id": event.runId }, () => deps.bus.publish(event), { kind: "producer" });
    } catch (error) {
      log.error({ err: error }, "could not publish sync-requested");
      // Without its message nothing will ever work on the run: close it now so the next press
      // starts a fresh one instead of coalescing onto a run that cannot move.
      const failed = await deps.store.update(event.runId, (current) =>
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
      return sendError(res, 503, "PUBLISH_FAILED", PUBLISH_FAILED_MESSAGE);
    }
    log.info({ trigger: event.data.trigger }, "sync requested");
    res.status(202).json({ run: toRunView(started.run), coalesced: false });
  };
}
