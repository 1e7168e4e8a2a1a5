import { CLOUD_SERVICES, PUSH_SERVICE_ACCOUNT_ID, SCHEDULER_SERVICE_ACCOUNT_ID, SECRETS, serviceAccountVar, shellVar, TRACE_WRITER_ROLE } from "../model/cloud-services.ts";
import { IMAGE_DELETE_AFTER_DAYS, IMAGE_VERSIONS_KEPT, imageCleanupPolicyJson } from "../model/image-cleanup.ts";
import { lifecycleJsonTemplate, RETENTION_RULES } from "../model/retention.ts";
import { command, doubleQuoted } from "./shell.ts";

const APIS = [
  "run.googleapis.com",
  "pubsub.googleapis.com",
  "secretmanager.googleapis.com",
  "cloudscheduler.googleapis.com",
  "artifactregistry.googleapis.com",
  "cloudbuild.googleapis.com",
  "iam.googleapis.com",
  "storage.googleapis.com",
  // Traces: the OTLP endpoint the services export to, and Cloud Trace, which stores and shows them.
  "telemetry.googleapis.com",
  "cloudtrace.googleapis.com",
];

const member = (service: (typeof CLOUD_SERVICES)[number]) => doubleQuoted(`serviceAccount:${shellVar(serviceAccountVar(service.service))}`);

/** APIs, the image registry, the exports bucket, service accounts and secrets, with their IAM. */
export function renderFoundation(): string {
  const out: string[] = [];
  out.push(
    'log "Enabling APIs"',
    command("gcloud services enable", APIS),
    "# The Pub/Sub and Scheduler service agents are created lazily; their IAM bindings below need them now.",
    "gcloud beta services identity create --service=pubsub.googleapis.com >/dev/null",
    "gcloud beta services identity create --service=cloudscheduler.googleapis.com >/dev/null",
  );

  out.push(
    "",
    'log "Artifact Registry and the exports bucket"',
    'quiet gcloud artifacts repositories describe crm-sync --location="${REGION}" \\',
    '  || gcloud artifacts repositories create crm-sync --repository-format=docker --location="${REGION}"',
    ...renderImageCleanup(),
    'quiet gcloud storage buckets describe "gs://${EXPORTS_BUCKET}" \\',
    '  || gcloud storage buckets create "gs://${EXPORTS_BUCKET}" --location="${REGION}" --uniform-bucket-level-access',
    ...renderRetention(),
  );

  out.push("", 'log "Service accounts"');
  for (const service of CLOUD_SERVICES) out.push(`ensure_service_account ${service.runName} "crm-sync ${service.service}"`);
  out.push(
    `ensure_service_account ${PUSH_SERVICE_ACCOUNT_ID} "crm-sync Pub/Sub push invoker"`,
    "# Pub/Sub mints the push OIDC tokens as the push account.",
    command('bind gcloud iam service-accounts add-iam-policy-binding "${PUSH_SA}"', ['--member="${PUBSUB_AGENT}"', "--role=roles/iam.serviceAccountTokenCreator"]),
    `ensure_service_account ${SCHEDULER_SERVICE_ACCOUNT_ID} "crm-sync Cloud Scheduler invoker"`,
    "# Scheduler mints its HTTP jobs' OIDC tokens as the scheduler account.",
    command('bind gcloud iam service-accounts add-iam-policy-binding "${SCHEDULER_SA}"', ['--member="${SCHEDULER_AGENT}"', "--role=roles/iam.serviceAccountTokenCreator"]),
  );

  out.push("", 'log "Trace export"');
  for (const service of CLOUD_SERVICES) {
    // --condition=None: a project policy with conditional bindings otherwise makes gcloud ask.
    out.push(command('bind gcloud projects add-iam-policy-binding "${PROJECT}"', [`--member=${member(service)}`, `--role=${TRACE_WRITER_ROLE}`, "--condition=None"]));
  }

  out.push("", 'log "Secrets"');
  for (const secret of SECRETS) out.push(`ensure_secret ${secret}`);
  for (const service of CLOUD_SERVICES) {
    for (const secret of service.secrets) {
      out.push(command(`bind gcloud secrets add-iam-policy-binding ${secret}`, [`--member=${member(service)}`, "--role=roles/secretmanager.secretAccessor"]));
    }
  }

  out.push("", 'log "Bucket access"');
  for (const service of CLOUD_SERVICES) {
    if (service.bucketRole === undefined) continue;
    out.push(command('bind gcloud storage buckets add-iam-policy-binding "gs://${EXPORTS_BUCKET}"', [`--member=${member(service)}`, `--role=${service.bucketRole}`]));
  }
  return out.join("\n");
}

/** Old images are deleted, so the registry's storage (and its bill) stays flat across deploys. */
function renderImageCleanup(): string[] {
  return [
    `# Keep each image's ${IMAGE_VERSIONS_KEPT} newest versions; delete older ones after ${IMAGE_DELETE_AFTER_DAYS} days.`,
    'CLEANUP_FILE="$(mktemp)"',
    'cat > "${CLEANUP_FILE}" <<\'CLEANUP\'',
    imageCleanupPolicyJson(),
    "CLEANUP",
    'gcloud artifacts repositories set-cleanup-policies crm-sync --location="${REGION}" --policy="${CLEANUP_FILE}" --no-dry-run',
    'rm -f "${CLEANUP_FILE}"',
  ];
}

/** Personal data in the bucket is deleted after its retention (README "Data protection"). */
function renderRetention(): string[] {
  return [
    `# Exports and failure evidence hold customer data: lifecycle rules delete them after ${RETENTION_RULES.map((r) => r.setting).join(" and ")} days.`,
    'LIFECYCLE_FILE="$(mktemp)"',
    "cat > \"${LIFECYCLE_FILE}\" <<LIFECYCLE",
    lifecycleJsonTemplate(),
    "LIFECYCLE",
    'gcloud storage buckets update "gs://${EXPORTS_BUCKET}" --lifecycle-file="${LIFECYCLE_FILE}"',
    'rm -f "${LIFECYCLE_FILE}"',
  ];
}
