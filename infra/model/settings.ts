/**
 * What an operator passes to deploy.sh as environment variables. Secrets are not here: they are
 * read from variables of the secret's own name (see SECRETS) and stored in Secret Manager.
 */
export interface Setting {
  name: string;
  about: string;
  /** A bash word used when the variable is unset; none means the variable is required. */
  fallback?: string;
  /** A bash regex the value must match; deploy.sh stops before touching anything otherwise. */
  pattern?: { regex: string; expected: string };
  /** Another setting that, when not empty, makes this one required. */
  requiredWith?: string;
}

const WHOLE_DAYS = { regex: "^[1-9][0-9]*$", expected: "a whole number of days, at least 1" };

export const SETTINGS: readonly Setting[] = [
  { name: "PROJECT", about: "Google Cloud project id" },
  { name: "REGION", about: "region of Cloud Run, Artifact Registry, the bucket and Scheduler", fallback: "asia-southeast1" },
  { name: "EXPORTS_BUCKET", about: "bucket for exports and failure artifacts", fallback: "${PROJECT}-crm-sync-exports" },
  { name: "EXPORTS_RETENTION_DAYS", about: "days the bucket keeps customer exports before deleting them", fallback: "90", pattern: WHOLE_DAYS },
  { name: "EVIDENCE_RETENTION_DAYS", about: "days the bucket keeps failure evidence (screenshots, page HTML, traces)", fallback: "30", pattern: WHOLE_DAYS },
  { name: "QASHIER_URL", about: "base URL of the Qashier portal" },
  { name: "QASHIER_USERNAME", about: "the portal login the scraper uses" },
  { name: "ALERT_TO", about: "who gets failure, recovery and staleness emails" },
  { name: "ALERT_FROM", about: "sender address of the alert emails" },
  { name: "IMAGE_TAG", about: "image tag to build and deploy", fallback: "$(git rev-parse --short HEAD)" },
  { name: "SKIP_BUILD", about: "1: deploy images already pushed under IMAGE_TAG", fallback: "0" },
  // The Vercel app's Workload Identity Federation (model/vercel.ts): created only when VERCEL_TEAM is set.
  {
    name: "VERCEL_TEAM",
    about: "Vercel team slug; when set, the Vercel app may publish sync requests through Workload Identity Federation",
    fallback: "",
    pattern: { regex: "^([a-z0-9][a-z0-9-]*)?$", expected: "a Vercel team slug: lowercase letters, digits and hyphens" },
  },
  {
    // Required with a team: without it the provider would admit every project of the team.
    name: "VERCEL_PROJECT",
    about: "name of the Vercel project whose functions may publish",
    fallback: "",
    requiredWith: "VERCEL_TEAM",
    pattern: { regex: "^([a-z0-9._-]{1,100})?$", expected: "a Vercel project name: lowercase letters, digits, dots, underscores and hyphens" },
  },
  {
    name: "VERCEL_ENVIRONMENT",
    about: "the Vercel environment admitted",
    fallback: "production",
    pattern: { regex: "^(production|preview|development)$", expected: "production, preview or development" },
  },
];

/** Where Scheduler runs the jobs and in which clock (DESIGN.md: 02:00 Asia/Bangkok). */
export const TIME_ZONE = "Asia/Bangkok";
