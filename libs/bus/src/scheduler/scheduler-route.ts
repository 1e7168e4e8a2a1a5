import express, { Router, type ErrorRequestHandler, type RequestHandler } from "express";
import { toSyncError } from "@crm-sync/errors";
import type { Logger } from "@crm-sync/logging";
import type { OidcVerifier } from "../push/oidc-verifier.ts";

export interface SchedulerRouteOptions {
  /** e.g. `/v1/staleness-check`. */
  path: string;
  /** Checks Cloud Scheduler's ID token (audience and the job's service account); null turns the route off (404). */
  verifier: OidcVerifier | null;
  logger: Logger;
  /** What the off route says, e.g. which variables turn it on. */
  offMessage: string;
  /** The job; its result is the 200 body. Must be safe to run twice at once: Scheduler retries and overlaps. */
  run: () => Promise<Record<string, unknown>>;
}

/** Scheduler sends an empty or tiny body, which is never used; anything bigger is refused unread. */
const BODY_LIMIT = "16kb";

/**
 * `POST <path>` for a Cloud Scheduler HTTP job with an OIDC token: the same work an in-process
 * timer does where one can run. 200 with the result; 503 when the failure is retryable (Scheduler
 * retries per its retry config), 500 otherwise.
 */
export function schedulerRoute(options: SchedulerRouteOptions): Router {
  const { verifier, logger, path } = options;
  const router = Router();
  const authorize: RequestHandler = async (req, res, next) => {
    if (verifier === null) {
      res.status(404).json({ error: "NOT_ENABLED", message: options.offMessage });
      return;
    }
    const check = await verifier.verify(req.get("authorization"));
    if (check.ok) return next();
    logger.warn({ path, status: check.status, reason: check.reason }, "refused a scheduler call that failed the OIDC check");
    if (check.status === 401) res.set("WWW-Authenticate", 'Bearer realm="crm-sync"');
    res.status(check.status).json({
      error: check.status === 401 ? "UNAUTHENTICATED" : "FORBIDDEN",
      message: "A Google ID token of the scheduler's service account is required.",
    });
  };
  // Read after the token check, so an anonymous caller cannot make the service read a large body.
  const readBody = express.raw({ type: () => true, limit: BODY_LIMIT });
  const tooLarge: ErrorRequestHandler = (error: { type?: string }, _req, res, next) => {
    if (error.type !== "entity.too.large") return next(error);
    res.status(413).json({ error: "BODY_TOO_LARGE", message: "The request body is too large." });
  };
  const run: RequestHandler = async (_req, res) => {
    try {
      res.status(200).json(await options.run());
    } catch (error) {
      const failure = toSyncError(error);
      logger.error({ err: error, code: failure.code, path }, "scheduled job failed");
      res.status(failure.retryable ? 503 : 500).json({ error: failure.code, message: failure.message });
    }
  };
  router.post(path, authorize, readBody, run, tooLarge);
  return router;
}
