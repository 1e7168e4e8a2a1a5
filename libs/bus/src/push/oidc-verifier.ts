import { OAuth2Client } from "google-auth-library";
import { SyncError } from "@crm-sync/errors";

export type OidcCheck = { ok: true } | { ok: false; status: 401 | 403; reason: string };

export interface OidcVerifier {
  /** Checks the `Authorization` header of a push request. */
  verify(authorization: string | undefined): Promise<OidcCheck>;
}

export interface OidcVerifierOptions {
  /** Off only in embedded and emulator modes, and only when configured so explicitly. */
  enabled: boolean;
  /** The audience set on the push subscription (by default the push endpoint URL). Required when enabled. */
  audience?: string;
  /** The service account Pub/Sub signs push tokens as. Required when enabled. */
  serviceAccountEmail?: string;
  /** Signing keys by key id (PEM). Tests pass locally generated keys; unset means Google's published certs. */
  certs?: Record<string, string>;
}

const GOOGLE_ISSUERS = ["accounts.google.com", "https://accounts.google.com"];

/**
 * Verifies the Google-signed OIDC token Pub/Sub attaches to push requests: signature,
 * issuer, audience, expiry, and that it was issued to our push service account.
 */
export function createOidcVerifier(options: OidcVerifierOptions): OidcVerifier {
  if (!options.enabled) return { verify: async () => ({ ok: true }) };
  const { audience, serviceAccountEmail, certs } = options;
  if (audience === undefined || audience === "" || serviceAccountEmail === undefined || serviceAccountEmail === "") {
    // A verifier that cannot check anything must not start: it would either refuse every push or accept every caller.
    throw new SyncError("INTERNAL", "OIDC verification is enabled but the audience or push service account email is not configured");
  }
  const client = new OAuth2Client();
  return {
    async verify(authorization) {
      const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
      if (token === undefined) return { ok: false, status: 401, reason: "missing bearer token" };
      let payload;
      try {
        const keys = certs ?? (await client.getFederatedSignonCertsAsync()).certs;
        const ticket = await client.verifySignedJwtWithCertsAsync(token, keys, audience, GOOGLE_ISSUERS);
        payload = ticket.getPayload();
      } catch {
        // The library's message quotes the token and its claims: never pass it on.
        return { ok: false, status: 403, reason: "token signature, issuer, audience or expiry is invalid" };
      }
      if (payload?.email !== serviceAccountEmail || payload.email_verified !== true) {
        return { ok: false, status: 403, reason: "token was not issued to the push service account" };
      }
      return { ok: true };
    },
  };
}
