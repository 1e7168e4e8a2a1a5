import { schedulerRoute, type OidcVerifier } from "@crm-sync/bus/local";
import type { Router } from "express";
import type { NotifierContext } from "../context.ts";
import { checkStaleness } from "../staleness-watch.ts";

export const STALENESS_CHECK_PATH = "/v1/staleness-check";

/**
 * `POST /v1/staleness-check` for Cloud Scheduler (OIDC): the same check the in-process interval
 * runs, which Cloud Run cannot keep running. Two calls at once send one email: the check locks
 * the staleness state row while deciding. Off (404) without a scheduler verifier.
 */
export function stalenessCheckRoute(ctx: NotifierContext, verifier: OidcVerifier | null): Router {
  return schedulerRoute({
    path: STALENESS_CHECK_PATH,
    verifier,
    logger: ctx.logger,
    offMessage: "The staleness endpoint is off: SCHEDULER_AUDIENCE and SCHEDULER_SERVICE_ACCOUNT are not set.",
    run: async () => {
      const result = await checkStaleness(ctx);
      return {
        stale: result.stale,
        alert: result.alert,
        lastSuccessAt: result.lastSuccess?.at.toISOString() ?? null,
        lastSuccessRunId: result.lastSuccess?.runId ?? null,
      };
    },
  });
}
