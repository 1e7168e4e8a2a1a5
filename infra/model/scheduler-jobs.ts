import type { ServiceName } from "@crm-sync/bus";
import { SyncRequestedData, TOPICS } from "@crm-sync/contracts";
import { STALENESS_CHECK_PATH } from "../../services/notifier/src/handlers/staleness-check.ts";
import { SWEEP_PATH } from "../../services/trigger/src/handlers/sweep-route.ts";
import { TIME_ZONE } from "./settings.ts";

export interface PubSubJob {
  name: string;
  description: string;
  schedule: string;
  timeZone: string;
  topic: string;
  body: string;
}

export interface HttpJob {
  name: string;
  description: string;
  schedule: string;
  timeZone: string;
  /** POSTed at `<service URL><path>` with an OIDC token for the service URL, signed as the scheduler account. */
  service: ServiceName;
  path: string;
}

/**
 * The daily sync (docs/infra-scheduler.md): a bare `{"trigger":"schedule"}` body, no run id;
 * consumers name the run after the Pub/Sub message id. Parsed here so a contract change that
 * would reject it fails generation instead of the 02:00 run.
 */
export const DAILY_SYNC_JOB: PubSubJob = {
  name: "crm-sync-daily",
  description: "Daily Qashier to backoffice.customers sync (crm-sync)",
  schedule: "0 2 * * *",
  timeZone: TIME_ZONE,
  topic: TOPICS.syncRequested,
  body: JSON.stringify(SyncRequestedData.parse({ trigger: "schedule" })),
};

/**
 * Cloud Run only runs code while it serves a request, so the services' in-process timers are off
 * there (SWEEP_INTERVAL, STALE_CHECK_INTERVAL = off) and Scheduler calls the same work over HTTP.
 * Both routes are idempotent and safe to overlap (Scheduler may retry a slow call).
 */
export const STAGE_TIMEOUT_SWEEP_JOB: HttpJob = {
  name: "crm-sync-stage-timeout-sweep",
  description: "Fail runs stuck in one stage past its deadline (crm-sync trigger)",
  // Stage deadlines are 10 to 20 minutes: a stuck run is failed at most 5 minutes late.
  schedule: "*/5 * * * *",
  timeZone: TIME_ZONE,
  service: "trigger",
  path: SWEEP_PATH,
};

export const STALENESS_CHECK_JOB: HttpJob = {
  name: "crm-sync-staleness-check",
  description: "Alert when the customer data is stale (crm-sync notifier)",
  schedule: "*/30 * * * *",
  timeZone: TIME_ZONE,
  service: "notifier",
  path: STALENESS_CHECK_PATH,
};

export const HTTP_JOBS: readonly HttpJob[] = [STAGE_TIMEOUT_SWEEP_JOB, STALENESS_CHECK_JOB];
