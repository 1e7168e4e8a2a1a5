import type { RequestHandler } from "express";
import { z } from "zod";
import { RunId } from "@crm-sync/contracts";
import { toRunView } from "../domain/run-view.ts";
import { trendOf } from "../domain/trend.ts";
import type { HistoryStore } from "../store/history-store.ts";
import { sendError } from "./api-errors.ts";

const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: RunId.optional(),
  after: RunId.optional(),
});

/**
 * `GET /v1/history?before=<runId>|after=<runId>&limit=`: one page of runs, newest first, with
 * whether there are older and newer ones (the page's Older / Newer buttons).
 */
export function runHistory(history: HistoryStore): RequestHandler {
  return async (req, res) => {
    const query = PageQuery.safeParse(req.query);
    if (!query.success || (query.data.before !== undefined && query.data.after !== undefined)) {
      return sendError(res, 400, "INVALID_REQUEST", "Give at most one of before and after (run ids), and a limit from 1 to 100.");
    }
    const { limit, before, after } = query.data;
    const runs = after === undefined ? await history.olderThan(before, limit + 1) : await history.newerThan(after, limit + 1);
    // One more than the page tells whether the page has a neighbour on the side it was read from.
    const extra = runs.length > limit;
    const page = after === undefined ? runs.slice(0, limit) : runs.slice(runs.length > limit ? 1 : 0);
    const newest = page[0];
    const oldest = page.at(-1);
    const older = after === undefined ? extra : oldest !== undefined && (await history.olderThan(oldest.id, 1)).length > 0;
    const newer = after !== undefined ? extra : newest !== undefined && before !== undefined && (await history.newerThan(newest.id, 1)).length > 0;
    res.json({ runs: page.map(toRunView), older, newer });
  };
}

/** `GET /v1/trend`: customer count and duration over the last 30 runs, oldest first. */
export function runTrend(history: HistoryStore): RequestHandler {
  return async (_req, res) => {
    const [runs, active] = await Promise.all([history.olderThan(undefined, 30), history.activeCustomers()]);
    res.json({ points: trendOf(runs, active) });
  };
}
