import { IdentityPoolClient, JWT, type AuthClient } from "google-auth-library";
import { z } from "zod";
import { SyncRequestError } from "./errors.ts";

/**
 * Workload Identity Federation from Vercel: Vercel signs an OIDC token for each deployment, the
 * Google STS exchanges it for a federated token, and that impersonates a service account allowed
 * to publish to `sync-requested`. No long-lived key is stored anywhere.
 */
export interface WorkloadIdentity {
  projectNumber: string;
  poolId: string;
  providerId: string;
  serviceAccountEmail: string;
  /** Google's STS; a loopback stand-in in tests. */
  stsUrl?: string;
  /** Base of the IAM Credentials API; a loopback stand-in in tests. */
  iamCredentialsUrl?: string;
}

/** A Google service-account key (the JSON file's content), for runtimes without OIDC. */
export const ServiceAccountKey = z.object({
  type: z.literal("service_account"),
  client_email: z.email(),
  private_key: z.string().startsWith("-----BEGIN PRIVATE KEY-----"),
  private_key_id: z.string().min(1).optional(),
});
export type ServiceAccountKey = z.infer<typeof ServiceAccountKey>;

export function workloadIdentityClient(identity: WorkloadIdentity, getSubjectToken: () => Promise<string>): IdentityPoolClient {
  const iam = (identity.iamCredentialsUrl ?? "https://iamcredentials.googleapis.com").replace(/\/+$/, "");
  return new IdentityPoolClient({
    type: "external_account",
    audience: `//iam.googleapis.com/projects/${identity.projectNumber}/locations/global/workloadIdentityPools/${identity.poolId}/providers/${identity.providerId}`,
    subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
    token_url: identity.stsUrl ?? "https://sts.googleapis.com/v1/token",
    service_account_impersonation_url: `${iam}/v1/projects/-/serviceAccounts/${encodeURIComponent(identity.serviceAccountEmail)}:generateAccessToken`,
    // The supplier is asked on every exchange (the client does not cache subject tokens), so a
    // rotated Vercel token is picked up.
    subject_token_supplier: { getSubjectToken },
  });
}

/** Parses the key text; the error names the problem, never the key. */
export function parseServiceAccountKey(text: string): ServiceAccountKey {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SyncRequestError("NOT_CONFIGURED", "GCP_SERVICE_ACCOUNT_KEY is not JSON: paste the whole key file.");
  }
  const key = ServiceAccountKey.safeParse(json);
  if (!key.success) {
    const fields = key.error.issues.map((issue) => issue.path.join(".") || "(root)").join(", ");
    throw new SyncRequestError("NOT_CONFIGURED", `GCP_SERVICE_ACCOUNT_KEY is not a service-account key (check: ${fields}).`);
  }
  return key.data;
}

/** Signs its own short-lived JWTs for the Pub/Sub API (no token endpoint in the path). */
export function serviceAccountKeyClient(key: ServiceAccountKey): AuthClient {
  return new JWT({ email: key.client_email, key: key.private_key, ...(key.private_key_id === undefined ? {} : { keyId: key.private_key_id }) });
}
