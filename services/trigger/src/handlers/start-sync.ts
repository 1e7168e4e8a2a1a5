import type { RequestHandler } from "express";
import { z } from "zod";
import { describeIssues, makeEvent } from "@crm-sync/contracts";
import { SyncRequestBody } from "@crm-sync/trigger-client";
import { callerOf } from "../auth/require-caller.ts";
import { toRunView } from "../domain/run-view.ts";
import { apiRequest } from "../domain/single-flight.ts";
import { sendError } from "./api-errors.ts";
import { newRunId, openRun, PUBLISH_FAILED_MESSAGE, type OpenRunDeps } from "./open-run.ts";

export type StartSyncDeps = OpenRunDeps;

/**
 * What the route accepts: the client's body, plus the `requestedBy` older clients still send.
 * It is ignored: a run records who the credentials say called, never what the body claims.
 */
const AcceptedBody = z.strictObject({ ...SyncRequestBody.shape, requestedBy: z.unknown().optional() });

/**
 * `POST /v1/syncs`: starts a sync, or joins the active one (`coalesced: true`); either way the
 * request gets its own record, which finishes with the run that serves it.
 */
export function startSync(deps: StartSyncDeps): RequestHandler {
  return async (req, res) => {
    const body = AcceptedBody.safeParse(req.body ?? {});
    if (!body.success) return sendError(res, 400, "INVALID_REQUEST", `Invalid request body: ${describeIssues(body.error)}`);
    const now = deps.clock();
    const trigger = body.data.trigger ?? "manual";
    const runId = newRunId(now);
    const request = apiRequest(runId, { trigger, requestedBy: callerOf(res).id }, now);
    const opened = await openRun(deps, request, makeEvent("scrape-requested", runId, { trigger }, now), { joinActive: true });
    if (opened.outcome === "unpublished") return sendError(res, 503, "PUBLISH_FAILED", PUBLISH_FAILED_MESSAGE);
    if (opened.outcome === "busy") throw new Error("a joinable request was refused as busy");
    // `run` is the run doing the work (what to follow); `requestId` this request's own record.
    res.status(202).json({ run: toRunView(opened.run), coalesced: opened.outcome === "coalesced", requestId: opened.request.id });
  };
}
