import express, { Router, type ErrorRequestHandler, type RequestHandler } from "express";
import { toSyncError } from "@crm-sync/errors";
import { bearerMatches } from "../auth/bearer-token.ts";
import type { NotifierContext } from "../context.ts";
import { checkStaleness } from "../staleness-watch.ts";

/** Scheduler sends an empty or tiny body, which is never used; anything bigger is refused unread. */
const BODY_LIMIT = "16kb";

/**
 * `POST /v1/staleness-check` for Cloud Scheduler: the same check the in-process interval runs.
 * Off (404) unless a token is configured.
 */
export function stalenessCheckRoute(ctx: NotifierContext, token: string | null): Router {
  const router = Router();
  const authorize: RequestHandler = (req, res, next) => {
    if (token === null) {
      res.status(404).json({ error: "NOT_ENABLED", message: "The staleness endpoint is off: NOTIFIER_TOKEN is not set." });
      return;
    }
    if (!bearerMatches(req.get("authorization"), token)) {
      res.status(401).set("WWW-Authenticate", "Bearer").json({ error: "UNAUTHORIZED", message: "A valid bearer token is required." });
      return;
    }
    next();
  };
  // Checked after the token, so an anonymous caller cannot make the service read a large body.
  const readBody = express.raw({ type: () => true, limit: BODY_LIMIT });
  const tooLarge: ErrorRequestHandler = (error: { type?: string }, _req, res, next) => {
    if (error.type !== "entity.too.large") return next(error);
    res.status(413).json({ error: "BODY_TOO_LARGE", message: "The request body is too large." });
  };
  const check: RequestHandler = async (_req, res) => {
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
  };
  router.post("/v1/staleness-check", authorize, readBody, check, tooLarge);
  return router;
}
