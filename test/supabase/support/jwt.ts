import { createHmac, timingSafeEqual } from "node:crypto";

/** HS256 JWTs as Supabase's legacy keys and Auth access tokens are made (test secret only). */
export function signJwt(claims: Record<string, unknown>, secret: string): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(claims)}`;
  return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;
}

/** The claims of a token signed with `secret`, or why it is not acceptable. */
export function verifyJwt(token: string, secret: string, nowSeconds: number): { claims: Record<string, unknown> } | { problem: "signature" | "expired" } {
  const [header, payload, signature] = token.split(".");
  if (header === undefined || payload === undefined || signature === undefined) return { problem: "signature" };
  const expected = createHmac("sha256", secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { problem: "signature" };
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  if (typeof claims["exp"] === "number" && claims["exp"] <= nowSeconds) return { problem: "expired" };
  return { claims };
}
