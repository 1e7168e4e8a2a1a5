import type { RequestHandler } from "express";
import { RunId, makeEvent } from "@crm-sync/contracts";
import type { EventBus } from "@crm-sync/bus";
import { forRun, type Logger } from "@crm-sync/logging";
import { approveHeldRun } from "../domain/approve.ts";
import type { Run } from "../domain/run.ts";
import { toRunView } from "../domain/run-view.ts";
import type { RunStore } from "../store/runs-store.ts";
import type { RunChanges } from "../live/run-changes.ts";
import { sendError } from "./api-errors.ts";
import { callerOf } from "../auth/require-caller.ts";

export interface ApproveDeps {
  store: RunStore;
  bus: EventBus;
  changes: RunChanges;
  logger: Logger;
  clock: () => Date;
}

const REFUSALS = {
  "not-found": [404, "NOT_FOUND", "No such run."],
  "not-held": [409, "NOT_HELD", "Only a run held with MASS_DELETE_HELD can be approved."],
  "no-export": [409, "NO_EXPORT", "The held run's export is not known yet; try again shortly."],
  discarded: [409, "DISCARDED", "This held run was discarded; it can no longer be approved."],
  joined: [409, "JOINED_REQUEST", "This request was served by another run (servedBy); approve that run."],
} as const;

/**
 * `POST /v1/syncs/:runId/approve`: an approver accepts the removals a held run would make. The
 * run reopens as a new attempt and its export is announced again with `allowMassDelete`, which
 * the loader honours. If that announcement cannot be published the approval is undone.
 */
export function approveRun(deps: ApproveDeps): RequestHandler {
  return async (req, res) => {
    const runId = RunId.safeParse(req.params["runId"]);
    if (!runId.success) return sendError(res, 400, "INVALID_REQUEST", "Invalid run id.");
    let refusal: keyof typeof REFUSALS | undefined;
    let held: Run | undefined;
    const now = deps.clock();
    const by = callerOf(res).id;
    const result = await deps.store.update(runId.data, (current) => {
      if (current === undefined) {
        refusal = "not-found";
        return undefined;
      }
      const approval = approveHeldRun(current, now, by);
      if (!approval.ok) {
        refusal = approval.reason;
        return current;
      }
      held = current;
      return approval.run;
    });
    if (refusal !== undefined) {
      const [status, code, message] = REFUSALS[refusal];
      return sendError(res, status, code, message);
    }
    const approved = result.after;
    if (approved === undefined || approved.sourceObject === null || held === undefined) return sendError(res, 500, "INTERNAL", "Approval failed.");
    deps.changes.announce(approved);
    const log = forRun(deps.logger, approved.id);
    const event = makeEvent(
      "csv-ready",
      approved.id,
      {
        object: approved.sourceObject,
        rows: approved.rowsInFile ?? 0,
        ...(approved.portalTotal === null ? {} : { portalTotal: approved.portalTotal }),
        allowMassDelete: true,
      },
      now,
    );
    try {
      await deps.bus.publish(event);
    } catch (error) {
      log.error({ err: error }, "could not publish the approved export; approval undone");
      const restore = held;
      const undone = await deps.store.update(approved.id, () => restore);
      if (undone.after !== undefined) deps.changes.announce(undone.after);
      return sendError(res, 503, "PUBLISH_FAILED", "The approval could not be sent to the loader. Please try again.");
    }
    log.info({ caller: by, attempt: approved.attempt }, "mass delete approved");
    res.status(202).json(toRunView(approved));
  };
}
