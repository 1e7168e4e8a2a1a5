import { createHmac, generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";

/** A locally generated RSA key standing in for one of Google's ID-token signing keys. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicPem: string;
}

export function generateSigningKey(kid: string = randomUUID()): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { kid, privateKey, publicPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

/** The key set a verifier is given in place of Google's published certificates. */
export function certsOf(...keys: SigningKey[]): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key.kid, key.publicPem]));
}

export interface IdTokenClaims {
  aud: string;
  email: string;
  /** Default true; `null` leaves the claim out. */
  emailVerified?: boolean | null;
  iss?: string;
  /** Seconds from now until `exp`; negative for an expired token. Default 3600. */
  expiresIn?: number;
  /** Seconds from now of `iat`. Default: one hour before `exp`, but never in the future. */
  issuedIn?: number;
}

export type TokenAlgorithm = "RS256" | "none" | "HS256-with-public-key";

const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString("base64url");

/**
 * A Google-shaped ID token. `none` and `HS256-with-public-key` are the two classic forgeries:
 * an unsigned token, and one "signed" with the verifier's own public key used as an HMAC secret.
 */
export function signIdToken(key: SigningKey, claims: IdTokenClaims, alg: TokenAlgorithm = "RS256"): string {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = claims.expiresIn ?? 3600;
  const payload: Record<string, unknown> = {
    iss: claims.iss ?? "https://accounts.google.com",
    aud: claims.aud,
    azp: "109876543210987654321",
    sub: "112233445566778899000",
    email: claims.email,
    iat: now + (claims.issuedIn ?? Math.min(0, expiresIn - 3600)),
    exp: now + expiresIn,
  };
  if (claims.emailVerified !== null) payload["email_verified"] = claims.emailVerified ?? true;
  const header = { alg: alg === "HS256-with-public-key" ? "HS256" : alg, typ: "JWT", kid: key.kid };
  const signed = `${encode(header)}.${encode(payload)}`;
  if (alg === "none") return `${signed}.`;
  if (alg === "HS256-with-public-key") return `${signed}.${createHmac("sha256", key.publicPem).update(signed).digest("base64url")}`;
  return `${signed}.${sign("RSA-SHA256", Buffer.from(signed), key.privateKey).toString("base64url")}`;
}

/** The same signature over different claims: what an attacker gets by editing a captured token. */
export function tamperClaims(token: string, patch: Record<string, unknown>): string {
  const [header, payload, signature] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  return `${header}.${encode({ ...claims, ...patch })}.${signature}`;
}

// RSA key generation is slow on a small machine: one stranger's key serves every forgery.
let strangerKey: SigningKey | undefined;
const stranger = () => (strangerKey ??= generateSigningKey("stranger-key"));

/**
 * Every way an ID token for `audience` and `email` must be refused, keyed by a readable case
 * name. The genuine key is `key`; nothing here is signed correctly for that audience and email.
 */
export function forgedIdTokens(key: SigningKey, audience: string, email: string): Array<[string, string]> {
  const impostorSameKid: SigningKey = { ...stranger(), kid: key.kid };
  const good = (claims: Partial<IdTokenClaims> = {}, alg: TokenAlgorithm = "RS256") => signIdToken(key, { aud: audience, email, ...claims }, alg);
  return [
    ["signed by another key under the same key id", signIdToken(impostorSameKid, { aud: audience, email })],
    ["signed by an unknown key id", signIdToken(stranger(), { aud: audience, email })],
    ["for another audience", good({ aud: "https://another-service.example.test/pubsub/x" })],
    ["for another service account", good({ email: "intruder@crm-sync-test.iam.gserviceaccount.com" })],
    // google-auth-library allows five minutes of clock skew: these are well past it.
    ["that expired ten minutes ago", good({ expiresIn: -600 })],
    ["that expired a day ago", good({ expiresIn: -86_400 })],
    ["that is not valid for another hour", good({ issuedIn: 3600, expiresIn: 7200 })],
    ["that claims to live longer than a day", good({ expiresIn: 3 * 86_400 })],
    ["with email_verified false", good({ emailVerified: false })],
    ["without email_verified", good({ emailVerified: null })],
    ["from another issuer", good({ iss: "https://issuer.example.test" })],
    ["with alg none and no signature", good({}, "none")],
    ["with alg HS256 keyed by the public key", good({}, "HS256-with-public-key")],
    ["with claims edited after signing", tamperClaims(good({ email: "intruder@crm-sync-test.iam.gserviceaccount.com" }), { email })],
    ["that is not a JWT", "not-a-jwt"],
  ];
}
