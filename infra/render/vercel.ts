import {
  VERCEL_APIS,
  VERCEL_APP_VARIABLES,
  VERCEL_POOL_ID,
  VERCEL_PROVIDER_ID,
  VERCEL_PUBLISH_TOPIC,
  VERCEL_SERVICE_ACCOUNT_ID,
  vercelAttributeCondition,
  vercelAudience,
  vercelIssuer,
  vercelPoolPrincipalSet,
} from "../model/vercel.ts";
import { command, createOrUpdate, doubleQuoted } from "./shell.ts";

const ON = 'if [[ -n "${VERCEL_TEAM}" ]]; then';
const indent = (lines: string[]) => lines.flatMap((line) => line.split("\n")).map((line) => `  ${line}`);

/** `update` when the resource exists, else `create`, with the same flags. */
/**
 * The Vercel app's identity (model/vercel.ts), after the topics exist: its service account may
 * publish to sync-requested and nothing else; a pool with Vercel's OIDC provider admits the one
 * project and environment; the pool's principals may act as the account.
 */
export function renderVercel(): string {
  const team = "${VERCEL_TEAM}";
  const location = "--location=global";
  const pool = `iam workload-identity-pools`;
  const providerFlags = [
    location,
    `--workload-identity-pool=${VERCEL_POOL_ID}`,
    `--issuer-uri=${doubleQuoted(vercelIssuer(team))}`,
    `--allowed-audiences=${doubleQuoted(vercelAudience(team))}`,
    "--attribute-mapping=google.subject=assertion.sub",
    `--attribute-condition=${doubleQuoted(vercelAttributeCondition(team, "${VERCEL_PROJECT}", "${VERCEL_ENVIRONMENT}"))}`,
  ];
  const body = [
    command("gcloud services enable", [...VERCEL_APIS]),
    `VERCEL_SA="${VERCEL_SERVICE_ACCOUNT_ID}@\${PROJECT}.iam.gserviceaccount.com"`,
    `ensure_service_account ${VERCEL_SERVICE_ACCOUNT_ID} "crm-sync Vercel app (publishes sync requests)"`,
    "# The trigger consumes sync-requested and decides single-flight: the app may publish there and nowhere else.",
    command(`bind gcloud pubsub topics add-iam-policy-binding ${VERCEL_PUBLISH_TOPIC}`, ['--member="serviceAccount:${VERCEL_SA}"', "--role=roles/pubsub.publisher"]),
    ...createOrUpdate(`gcloud ${pool} describe ${VERCEL_POOL_ID} ${location}`, `gcloud ${pool} create ${VERCEL_POOL_ID}`, `gcloud ${pool} update ${VERCEL_POOL_ID}`, [
      location,
      `--display-name=${doubleQuoted("crm-sync Vercel app")}`,
    ]),
    "# The condition is set on every run, so a changed project or environment replaces the old one.",
    ...createOrUpdate(
      `gcloud ${pool} providers describe ${VERCEL_PROVIDER_ID} ${location} --workload-identity-pool=${VERCEL_POOL_ID}`,
      `gcloud ${pool} providers create-oidc ${VERCEL_PROVIDER_ID}`,
      `gcloud ${pool} providers update-oidc ${VERCEL_PROVIDER_ID}`,
      providerFlags,
    ),
    "# The provider's condition decides who is a principal of the pool; those may act as the account.",
    command('bind gcloud iam service-accounts add-iam-policy-binding "${VERCEL_SA}"', [
      `--member=${doubleQuoted(vercelPoolPrincipalSet("${PROJECT_NUMBER}"))}`,
      "--role=roles/iam.workloadIdentityUser",
    ]),
  ];
  return [ON, ...indent(['log "Vercel app: Workload Identity Federation"', ...body]), "fi"].join("\n");
}

/** Printed last: the names @crm-sync/vercel reads and their values (no secrets), on stdout. */
export function renderVercelVariables(): string {
  const pairs = VERCEL_APP_VARIABLES.map(([name, value]) => `  printf '%s=%s\\n' ${name} ${doubleQuoted(value)}`);
  return [ON, '  log "Set these in the Vercel project (Settings, Environment Variables, ${VERCEL_ENVIRONMENT}):"', ...pairs, "fi"].join("\n");
}
