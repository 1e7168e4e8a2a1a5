import type { RequestHandler } from "express";
import { z } from "zod";
import { RunId } from "@crm-sync/contracts";
import { toRunView } from "../domain/run-view.ts";
import type { RunStore } from "../store/runs-store.ts";
import { sendError } from "./api-errors.ts";

/** `GET /v1/syncs/:runId` */
export function getRun(store: RunStore): RequestHandler {
  return async (req, res) => {
    const runId = RunId.safeParse(req.params["runId"]);
    if (!runId.success) return sendError(res, 400, "INVALID_REQUEST", "Invalid run id.");
    const run = await store.get(runId.data);
    if (run === undefined) return sendError(res, 404, "NOT_FOUND", "No such run.");
    res.json(toRunView(run));
  };
}

const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) });

/** `GET /v1/syncs?limit=` — newest first. */
export function listRuns(store: RunStore): RequestHandler {
  return async (req, res) => {
    const query = ListQuery.safeParse(req.query);
    if (!query.success) return sendError(res, 400, "INVALID_REQUEST", "limit must be a whole number from 1 to 200.");
    const runs = await store.list(query.data.limit);
    res.json({ runs: runs.map(toRunView) });
  };
}
