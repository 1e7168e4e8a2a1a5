import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";

/** A locally generated RSA key standing in for one of Google's token signing keys. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicPem: string;
}

export function generateSigningKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { kid, privateKey, publicPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

export interface TokenClaims {
  aud: string;
  email: string;
  email_verified?: boolean;
  iss?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
}

/** An RS256 ID token shaped like the ones Pub/Sub push attaches. */
export function signIdToken(key: SigningKey, claims: TokenClaims): string {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = claims.expiresIn ?? 3600;
  const header = { alg: "RS256", typ: "JWT", kid: key.kid };
  const payload = {
    iss: claims.iss ?? "https://accounts.google.com",
    aud: claims.aud,
    sub: "112233445566778899000",
    email: claims.email,
    email_verified: claims.email_verified ?? true,
    iat: Math.min(now, now + expiresIn - 3600),
    exp: now + expiresIn,
  };
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString("base64url");
  const signed = `${encode(header)}.${encode(payload)}`;
  return `${signed}.${sign("RSA-SHA256", Buffer.from(signed), key.privateKey).toString("base64url")}`;
}
