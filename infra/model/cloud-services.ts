import type { ServiceName } from "@crm-sync/bus";
import { TOPICS, type Topic } from "@crm-sync/contracts";
import { MAX_DELIVERY_ATTEMPTS, SERVICES } from "./topology.ts";

/**
 * How each service runs on Cloud Run. Values may name deploy.sh shell variables (`${PROJECT}`),
 * which the script defines in its settings block (see `settings.ts`).
 */

/** Secret Manager secrets; each is mounted as the environment variable of the same name. */
export const SECRETS = ["QASHIER_PASSWORD", "DATABASE_URL", "SMTP_URL", "API_TOKENS", "API_APPROVER_TOKENS", "CHAT_WEBHOOK_URL"] as const;
export type SecretName = (typeof SECRETS)[number];

export type BucketRole = "roles/storage.objectAdmin" | "roles/storage.objectViewer";

export interface CloudService {
  service: ServiceName;
  /** Cloud Run service name; short enough for the deterministic `<name>-<project number>.<region>.run.app` URL. */
  runName: string;
  dockerfile: string;
  buildArgs: Readonly<Record<string, string>>;
  /**
   * Reachable without a Google identity. Only where the app itself authenticates every route and
   * callers without one need it: the trigger serves the dashboard and API (API_TOKENS,
   * API_APPROVER_TOKENS). Everything else is called by Google (Pub/Sub push, Cloud Scheduler) with
   * an OIDC token that Cloud Run's IAM check and then the app verify.
   */
  public: boolean;
  /** Topics it publishes to (granted roles/pubsub.publisher on each). */
  publishes: readonly Topic[];
  secrets: readonly SecretName[];
  bucketRole?: BucketRole;
  env: Readonly<Record<string, string>>;
  /** Extra `gcloud run deploy` flags: resources and scaling. */
  runFlags: readonly string[];
}

export const shellVar = (name: string): string => `\${${name}}`;
export const urlVar = (service: ServiceName): string => `${service.toUpperCase()}_URL`;
export const serviceAccountVar = (service: ServiceName): string => `${service.toUpperCase()}_SA`;

/** Variables every service reads in the cloud: push mode with the OIDC check on. */
function pushEnv(service: ServiceName): Record<string, string> {
  return {
    GOOGLE_CLOUD_PROJECT: shellVar("PROJECT"),
    LOG_LEVEL: "info",
    PUBSUB_MODE: "push",
    PUBSUB_VERIFY_OIDC: "true",
    PUBSUB_PUSH_AUDIENCE: shellVar(urlVar(service)),
    PUBSUB_PUSH_SERVICE_ACCOUNT: shellVar("PUSH_SA"),
    MAX_DELIVERY_ATTEMPTS: String(MAX_DELIVERY_ATTEMPTS),
    ...TRACE_EXPORT_ENV,
  };
}

/**
 * A service whose in-process timer Cloud Run cannot keep running (no CPU between requests, scale
 * to zero): the timer is off and Cloud Scheduler calls its route (see scheduler-jobs.ts) with an
 * ID token for the service URL, signed as the scheduler account.
 */
function scheduledEnv(service: ServiceName, timer: "SWEEP_INTERVAL" | "STALE_CHECK_INTERVAL"): Record<string, string> {
  return {
    [timer]: "off",
    SCHEDULER_AUDIENCE: shellVar(urlVar(service)),
    SCHEDULER_SERVICE_ACCOUNT: shellVar("SCHEDULER_SA"),
  };
}

/**
 * Spans go straight to Cloud Trace's OTLP endpoint (the Telemetry API), authenticated as the
 * service's own account: no collector to run beside a scale-to-zero service, and the trace ids in
 * alert emails (TRACE_URL_TEMPLATE) name traces that exist.
 */
export const TRACE_EXPORT_ENV = {
  OTEL_EXPORTER_OTLP_ENDPOINT: "https://telemetry.googleapis.com",
  OTLP_AUTH: "google",
} as const;

/** What writing spans to the Telemetry API needs, granted to every service's account on the project. */
export const TRACE_WRITER_ROLE = "roles/telemetry.tracesWriter";

const nodeImage = (service: ServiceName) => ({ dockerfile: "docker/node-service.Dockerfile", buildArgs: { SERVICE: service } });

const CLOUD_SERVICES_BY_NAME: Readonly<Record<ServiceName, Omit<CloudService, "service" | "runName">>> = {
  scraper: {
    dockerfile: "services/scraper/Dockerfile",
    buildArgs: {},
    public: false,
    publishes: [TOPICS.syncProgress, TOPICS.csvReady, TOPICS.syncFailed],
    secrets: ["QASHIER_PASSWORD"],
    bucketRole: "roles/storage.objectAdmin",
    env: {
      ...pushEnv("scraper"),
      BLOB_URL: `gs://${shellVar("EXPORTS_BUCKET")}`,
      QASHIER_URL: shellVar("QASHIER_URL"),
      QASHIER_USERNAME: shellVar("QASHIER_USERNAME"),
    },
    // Chromium wants memory and the second generation sandbox; one export at a time.
    runFlags: ["--execution-environment=gen2", "--memory=2Gi", "--cpu=2", "--timeout=600", "--concurrency=1", "--max-instances=1"],
  },
  loader: {
    ...nodeImage("loader"),
    public: false,
    publishes: [TOPICS.syncProgress, TOPICS.csvReady, TOPICS.syncCompleted, TOPICS.syncFailed],
    secrets: ["DATABASE_URL"],
    bucketRole: "roles/storage.objectViewer",
    env: {
      ...pushEnv("loader"),
      BLOB_URL: `gs://${shellVar("EXPORTS_BUCKET")}`,
      MIGRATE_ON_START: "true",
    },
    // Loads take turns on a database lock anyway; a second instance would only wait.
    runFlags: ["--memory=1Gi", "--cpu=1", "--timeout=600", "--concurrency=4", "--max-instances=1"],
  },
  trigger: {
    ...nodeImage("trigger"),
    public: true,
    // scrape-requested hands a run its ledger opened to the scraper; csv-ready starts a replay.
    publishes: [TOPICS.scrapeRequested, TOPICS.csvReady],
    // Operator tokens (the Vercel app, staff) and approver tokens (who may approve a held mass
    // delete or replay an older export) are separate secrets, so they can be granted and rotated apart.
    secrets: ["DATABASE_URL", "API_TOKENS", "API_APPROVER_TOKENS"],
    // Replays (`POST /v1/syncs/replay`) read a stored export.
    bucketRole: "roles/storage.objectViewer",
    env: {
      ...pushEnv("trigger"),
      MIGRATE_ON_START: "true",
      BLOB_URL: `gs://${shellVar("EXPORTS_BUCKET")}`,
      ...scheduledEnv("trigger", "SWEEP_INTERVAL"),
    },
    // The dashboard's live status is a server-sent event stream: allow long requests.
    runFlags: ["--memory=512Mi", "--cpu=1", "--timeout=3600", "--max-instances=2"],
  },
  notifier: {
    ...nodeImage("notifier"),
    // Only Google calls it: Pub/Sub pushes and Cloud Scheduler's staleness check, both with OIDC.
    public: false,
    publishes: [],
    // CHAT_WEBHOOK_URL: the Slack / Google Chat webhook is its own credential (`off` for email only).
    secrets: ["DATABASE_URL", "SMTP_URL", "CHAT_WEBHOOK_URL"],
    env: {
      ...pushEnv("notifier"),
      MIGRATE_ON_START: "true",
      ALERT_TO: shellVar("ALERT_TO"),
      ALERT_FROM: shellVar("ALERT_FROM"),
      DASHBOARD_URL: `${shellVar(urlVar("trigger"))}/`,
      TRACE_URL_TEMPLATE: `https://console.cloud.google.com/traces/list?project=${shellVar("PROJECT")}&tid={traceId}`,
      ...scheduledEnv("notifier", "STALE_CHECK_INTERVAL"),
    },
    // Alert state changes are decided in the database, but one instance keeps emails in order.
    runFlags: ["--memory=512Mi", "--cpu=1", "--timeout=300", "--max-instances=1"],
  },
};

export const CLOUD_SERVICES: readonly CloudService[] = SERVICES.map((service) => ({
  service,
  runName: `crm-sync-${service}`,
  ...CLOUD_SERVICES_BY_NAME[service],
}));

/** The push invoker: Pub/Sub signs push requests as this account; it may invoke every push target. */
export const PUSH_SERVICE_ACCOUNT_ID = "crm-sync-pubsub-push";

/** Cloud Scheduler's HTTP jobs sign their OIDC tokens as this account; it may invoke only the jobs' services. */
export const SCHEDULER_SERVICE_ACCOUNT_ID = "crm-sync-scheduler";
