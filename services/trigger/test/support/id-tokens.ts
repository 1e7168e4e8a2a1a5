import { createSign, generateKeyPairSync, randomUUID } from "node:crypto";

/** A local stand-in for Google's signing keys: tokens signed here verify against `certs`. */
export function createTestIssuer() {
  const kid = randomUUID();
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const certs = { [kid]: publicKey.export({ type: "spki", format: "pem" }).toString() };
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  function sign(claims: { aud: string; email: string; expiresInSeconds?: number; emailVerified?: boolean; iss?: string }): string {
    const now = Math.floor(Date.now() / 1000);
    const header = b64({ alg: "RS256", typ: "JWT", kid });
    const payload = b64({
      iss: claims.iss ?? "https://accounts.google.com",
      aud: claims.aud,
      sub: "112233445566778899",
      email: claims.email,
      email_verified: claims.emailVerified ?? true,
      iat: now - 60,
      exp: now + (claims.expiresInSeconds ?? 3600),
    });
    const signature = createSign("RSA-SHA256").update(`${header}.${payload}`).sign(privateKey).toString("base64url");
    return `${header}.${payload}.${signature}`;
  }
  return { certs, sign };
}
