import type { RequestHandler } from "express";
import { RunId } from "@crm-sync/contracts";
import type { Logger } from "@crm-sync/logging";
import { isFinished, type Run } from "../domain/run.ts";
import { toRunView } from "../domain/run-view.ts";
import type { RunStore } from "../store/runs-store.ts";
import type { RunChanges } from "../live/run-changes.ts";
import { sendError } from "./api-errors.ts";

export interface RunEventsDeps {
  store: RunStore;
  changes: RunChanges;
  logger: Logger;
  /** Re-read interval: catches changes written by another instance. */
  pollMs: number;
  heartbeatMs?: number;
}

/**
 * `GET /v1/syncs/:runId/events`: Server-Sent Events. The current state first, then every change,
 * and the stream ends once the run has finished. A client that goes away takes its listener and
 * timers with it.
 */
export function runEvents(deps: RunEventsDeps): RequestHandler {
  return async (req, res) => {
    const runId = RunId.safeParse(req.params["runId"]);
    if (!runId.success) return sendError(res, 400, "INVALID_REQUEST", "Invalid run id.");
    const first = await deps.store.get(runId.data);
    if (first === undefined) return sendError(res, 404, "NOT_FOUND", "No such run.");

    res.status(200).set({
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      // Proxies (Cloud Run's front end, nginx) must pass each event through, not buffer the stream.
      "x-accel-buffering": "no",
    });
    res.flushHeaders();

    let lastSent = "";
    let ended = false;
    const cleanups: Array<() => void> = [];
    const end = () => {
      if (ended) return;
      ended = true;
      for (const cleanup of cleanups) cleanup();
      res.end();
    };
    const send = (run: Run) => {
      if (ended) return;
      const data = JSON.stringify(toRunView(run));
      if (data !== lastSent) {
        lastSent = data;
        res.write(`event: run\ndata: ${data}\n\n`);
      }
      if (isFinished(run)) end();
    };

    res.on("close", end);
    cleanups.push(deps.changes.watch(runId.data, send));
    const poll = setInterval(() => {
      deps.store.get(runId.data).then(
        (run) => run !== undefined && send(run),
        (error: unknown) => deps.logger.warn({ err: error, runId: runId.data }, "live status re-read failed"),
      );
    }, deps.pollMs);
    const heartbeat = setInterval(() => !ended && res.write(": keep-alive\n\n"), deps.heartbeatMs ?? 15_000);
    cleanups.push(() => clearInterval(poll), () => clearInterval(heartbeat));
    send(first);
  };
}
