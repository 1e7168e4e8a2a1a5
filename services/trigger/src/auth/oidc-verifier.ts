import { OAuth2Client } from "google-auth-library";
import type { Role, ServiceAccountGrant } from "./roles.ts";

export interface OidcVerifierOptions {
  audience: string;
  /** Service accounts allowed to call the API (e.g. the Vercel app's, Cloud Scheduler's), each with its role. */
  serviceAccounts: readonly ServiceAccountGrant[];
  /** Google's signing keys by key id; tests inject locally generated ones. */
  getCerts?: () => Promise<Record<string, string>>;
}

export type OidcVerdict = { ok: true; email: string; role: Role } | { ok: false; reason: string };

const GOOGLE_ISSUERS = ["accounts.google.com", "https://accounts.google.com"];

/**
 * Verifies a Google-signed ID token: signature against Google's keys, issuer, audience, expiry
 * (google-auth-library), then that the caller is an allowed service account with a verified email.
 */
export function createOidcVerifier(options: OidcVerifierOptions): (token: string) => Promise<OidcVerdict> {
  const client = new OAuth2Client();
  const allowed = new Map(options.serviceAccounts.map(({ email, role }) => [email.toLowerCase(), role]));
  const getCerts = options.getCerts ?? (async () => (await client.getFederatedSignonCertsAsync()).certs as Record<string, string>);
  return async (token) => {
    let payload;
    try {
      const ticket = await client.verifySignedJwtWithCertsAsync(token, await getCerts(), options.audience, GOOGLE_ISSUERS);
      payload = ticket.getPayload();
    } catch {
      return { ok: false, reason: "invalid ID token" };
    }
    const email = payload?.email?.toLowerCase();
    if (email === undefined || payload?.email_verified !== true) return { ok: false, reason: "ID token without a verified email" };
    const role = allowed.get(email);
    if (role === undefined) return { ok: false, reason: "service account not allowed" };
    return { ok: true, email, role };
  };
}
