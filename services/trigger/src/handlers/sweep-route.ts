import { schedulerRoute, type OidcVerifier } from "@crm-sync/bus/local";
import type { Logger } from "@crm-sync/logging";
import type { Router } from "express";

export const SWEEP_PATH = "/v1/sweep-stage-timeouts";

/**
 * `POST /v1/sweep-stage-timeouts` for Cloud Scheduler (OIDC): the sweep the in-process interval
 * runs, which Cloud Run cannot keep running. Two sweeps at once fail a stuck run once: each
 * update locks the run row and re-reads it, and a run already failed has no deadline left.
 * Mounted before the API router, whose callers (API tokens, API service accounts) may not sweep.
 */
export function sweepRoute(options: { sweep: () => Promise<number>; verifier: OidcVerifier | null; logger: Logger }): Router {
  return schedulerRoute({
    path: SWEEP_PATH,
    verifier: options.verifier,
    logger: options.logger,
    offMessage: "The sweep endpoint is off: SCHEDULER_AUDIENCE and SCHEDULER_SERVICE_ACCOUNT are not set.",
    run: async () => ({ failed: await options.sweep() }),
  });
}
