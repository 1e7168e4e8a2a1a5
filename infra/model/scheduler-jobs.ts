import type { ServiceName } from "@crm-sync/bus";
import { SyncRequestedData, TOPICS } from "@crm-sync/contracts";
import type { SecretName } from "./cloud-services.ts";
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
  service: ServiceName;
  path: string;
  /** Sent as `Authorization: Bearer <secret>`. */
  bearerSecret: SecretName;
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
 * Cloud Run only runs code while it serves a request, so the notifier's in-process staleness
 * timer cannot be relied on there; Scheduler calls the same check over HTTP.
 */
export const STALENESS_CHECK_JOB: HttpJob = {
  name: "crm-sync-staleness-check",
  description: "Alert when the customer data is stale (crm-sync notifier)",
  schedule: "*/30 * * * *",
  timeZone: TIME_ZONE,
  service: "notifier",
  path: "/v1/staleness-check",
  bearerSecret: "NOTIFIER_TOKEN",
};
