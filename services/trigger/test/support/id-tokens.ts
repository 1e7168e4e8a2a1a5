import { certsOf, generateSigningKey, signIdToken } from "@crm-sync/testing";

/** A local stand-in for Google's signing keys: tokens signed here verify against `certs`. */
export function createTestIssuer() {
  const key = generateSigningKey();
  const certs = certsOf(key);
  function sign(claims: { aud: string; email: string; expiresInSeconds?: number; emailVerified?: boolean; iss?: string }): string {
    return signIdToken(key, {
      aud: claims.aud,
      email: claims.email,
      ...(claims.expiresInSeconds === undefined ? {} : { expiresIn: claims.expiresInSeconds }),
      ...(claims.emailVerified === undefined ? {} : { emailVerified: claims.emailVerified }),
      ...(claims.iss === undefined ? {} : { iss: claims.iss }),
    });
  }
  return { certs, sign };
}
