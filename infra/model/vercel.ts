import type { z } from "zod";
import { TOPICS } from "@crm-sync/contracts";
import type { VercelSyncEnv } from "../../libs/vercel-sync/src/env.ts";

/**
 * The Vercel app's way in (issue 29): it publishes `sync-requested` as its own service account,
 * which it reaches by Workload Identity Federation from Vercel's OIDC token, so no key is stored
 * anywhere. deploy.sh creates this only when VERCEL_TEAM is set (settings.ts).
 */
export const VERCEL_SERVICE_ACCOUNT_ID = "crm-sync-vercel";
export const VERCEL_POOL_ID = "crm-sync-vercel";
export const VERCEL_PROVIDER_ID = "vercel";

/**
 * The app exchanges its token at Google's STS, then has IAM Credentials mint the account's access
 * token (libs/vercel-sync/src/credentials.ts): both APIs must be on in the project.
 */
export const VERCEL_APIS = ["sts.googleapis.com", "iamcredentials.googleapis.com"] as const;

/** The one topic the app may publish to: the trigger consumes it and decides single-flight. */
export const VERCEL_PUBLISH_TOPIC = TOPICS.syncRequested;

/** Vercel's team-mode issuer and its default audience (vercel.com/docs/oidc). */
export const vercelIssuer = (team: string): string => `https://oidc.vercel.com/${team}`;
export const vercelAudience = (team: string): string => `https://vercel.com/${team}`;

/** Vercel's `sub` claim: `owner:<team>:project:<project name>:environment:<environment>`. */
export const vercelSubject = (team: string, project: string, environment: string): string =>
  `owner:${team}:project:${project}:environment:${environment}`;

/**
 * CEL the provider evaluates on every token: only the one project and environment get in, so a
 * preview deployment or another project of the team cannot publish. The settings' patterns keep
 * quotes out of the three values.
 */
export const vercelAttributeCondition = (team: string, project: string, environment: string): string =>
  `assertion.sub == '${vercelSubject(team, project, environment)}'`;

/** Every principal of the pool; the provider's condition decides who becomes one. */
export const vercelPoolPrincipalSet = (projectNumber: string): string =>
  `principalSet://iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${VERCEL_POOL_ID}/*`;

type VercelVariable = keyof z.input<typeof VercelSyncEnv>;

/**
 * What deploy.sh prints for the Vercel project's settings, by the names @crm-sync/vercel reads
 * (typed against its env schema, so a renamed variable fails to compile). Values are deploy.sh
 * variables; none is a secret.
 */
export const VERCEL_APP_VARIABLES: ReadonlyArray<readonly [VercelVariable, string]> = [
  ["GCP_PROJECT_ID", "${PROJECT}"],
  ["GCP_PROJECT_NUMBER", "${PROJECT_NUMBER}"],
  ["GCP_WORKLOAD_IDENTITY_POOL_ID", VERCEL_POOL_ID],
  ["GCP_WORKLOAD_IDENTITY_POOL_PROVIDER_ID", VERCEL_PROVIDER_ID],
  ["GCP_SERVICE_ACCOUNT_EMAIL", "${VERCEL_SA}"],
];
