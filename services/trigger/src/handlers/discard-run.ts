import type { RequestHandler } from "express";
import { RunId } from "@crm-sync/contracts";
import { forRun, type Logger } from "@crm-sync/logging";
import { discardHeldRun } from "../domain/approve.ts";
import { toRunView } from "../domain/run-view.ts";
import type { RunStore } from "../store/runs-store.ts";
import type { RunChanges } from "../live/run-changes.ts";
import { callerOf } from "../auth/require-caller.ts";
import { sendError } from "./api-errors.ts";

export interface DiscardDeps {
  store: RunStore;
  changes: RunChanges;
  logger: Logger;
  clock: () => Date;
}

const REFUSALS = {
  "not-found": [404, "NOT_FOUND", "No such run."],
  "not-held": [409, "NOT_HELD", "Only a run held with MASS_DELETE_HELD can be discarded."],
  discarded: [409, "DISCARDED", "This held run was already discarded."],
  joined: [409, "JOINED_REQUEST", "This request was served by another run (servedBy); discard that run."],
} as const;

/**
 * `POST /v1/syncs/:runId/discard`: an approver refuses the removals a held run would make. The
 * run ends as discarded, recorded with who did it; nothing is published, so the customer table
 * is never touched. Under the run's lock, so it cannot cross an approval.
 */
export function discardRun(deps: DiscardDeps): RequestHandler {
  return async (req, res) => {
    const runId = RunId.safeParse(req.params["runId"]);
    if (!runId.success) return sendError(res, 400, "INVALID_REQUEST", "Invalid run id.");
    const by = callerOf(res).id;
    let refusal: keyof typeof REFUSALS | undefined;
    const result = await deps.store.update(runId.data, (current) => {
      if (current === undefined) {
        refusal = "not-found";
        return undefined;
      }
      const discard = discardHeldRun(current, deps.clock(), by);
      if (!discard.ok) {
        refusal = discard.reason;
        return current;
      }
      return discard.run;
    });
    if (refusal !== undefined) {
      const [status, code, message] = REFUSALS[refusal];
      return sendError(res, status, code, message);
    }
    if (result.after === undefined) return sendError(res, 500, "INTERNAL", "Discard failed.");
    deps.changes.announce(result.after);
    forRun(deps.logger, result.after.id).info({ caller: by }, "held mass delete discarded");
    res.json(toRunView(result.after));
  };
}
