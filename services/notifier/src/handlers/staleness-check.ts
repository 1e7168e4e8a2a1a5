import { Router } from "express";
import { toSyncError } from "@crm-sync/errors";
import { bearerMatches } from "../auth/bearer-token.ts";
import type { NotifierContext } from "../context.ts";
import { checkStaleness } from "../staleness-watch.ts";

/**
 * `POST /v1/staleness-check` for Cloud Scheduler: the same check the in-process interval runs.
 * Off (404) unless a token is configured.
 */
export function stalenessCheckRoute(ctx: NotifierContext, token: string | null): Router {
  const router = Router();
  router.post("/v1/staleness-check", async (req, res) => {
    if (token === null) {
      res.status(404).json({ error: "NOT_ENABLED", message: "The staleness endpoint is off: NOTIFIER_TOKEN is not set." });
      return;
    }
    if (!bearerMatches(req.get("authorization"), token)) {
      res.status(401).set("WWW-Authenticate", "Bearer").json({ error: "UNAUTHORIZED", message: "A valid bearer token is required." });
      return;
    }
    try {
      const result = await checkStaleness(ctx);
      res.status(200).json({
        stale: result.stale,
        alert: result.alert,
        lastSuccessAt: result.lastSuccess?.at.toISOString() ?? null,
        lastSuccessRunId: result.lastSuccess?.runId ?? null,
      });
    } catch (error) {
      const failure = toSyncError(error);
      ctx.logger.error({ err: error, code: failure.code }, "staleness check failed");
      res.status(failure.retryable ? 503 : 500).json({ error: failure.code, message: failure.message });
    }
  });
  return router;
}
