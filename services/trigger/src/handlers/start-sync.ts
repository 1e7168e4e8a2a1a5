import type { RequestHandler } from "express";
import { describeIssues, makeEvent } from "@crm-sync/contracts";
import { SyncRequestBody } from "@crm-sync/trigger-client";
import { toRunView } from "../domain/run-view.ts";
import { sendError } from "./api-errors.ts";
import { newRunId, openRun, PUBLISH_FAILED_MESSAGE, type OpenRunDeps } from "./open-run.ts";

export type StartSyncDeps = OpenRunDeps;

/** `POST /v1/syncs`: starts a sync, or joins the active one (`coalesced: true`). */
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
    const opened = await openRun(deps, event, event);
    if (opened.outcome === "unpublished") return sendError(res, 503, "PUBLISH_FAILED", PUBLISH_FAILED_MESSAGE);
    res.status(202).json({ run: toRunView(opened.run), coalesced: opened.outcome === "coalesced" });
  };
}
