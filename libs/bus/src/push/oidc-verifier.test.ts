import { describe, expect, it } from "vitest";
import { generateSigningKey, signIdToken } from "../../test/oidc-tokens.ts";
import { createOidcVerifier } from "./oidc-verifier.ts";

const audience = "https://loader.example.test/pubsub/csv-ready";
const serviceAccountEmail = "pubsub-push@crm-sync-test.iam.gserviceaccount.com";
const googleKey = generateSigningKey("google-key-1");
const verifier = createOidcVerifier({ enabled: true, audience, serviceAccountEmail, certs: { [googleKey.kid]: googleKey.publicPem } });
const bearer = (token: string) => `Bearer ${token}`;

describe("createOidcVerifier", () => {
  it("accepts a token signed by Google for our audience and push service account", async () => {
    expect(await verifier.verify(bearer(signIdToken(googleKey, { aud: audience, email: serviceAccountEmail })))).toEqual({ ok: true });
  });

  it("answers 401 when the request carries no bearer token", async () => {
    expect(await verifier.verify(undefined)).toMatchObject({ ok: false, status: 401 });
    expect(await verifier.verify("Basic dXNlcjpwYXNz")).toMatchObject({ ok: false, status: 401 });
  });

  it.each([
    ["signed with another key", () => signIdToken({ ...generateSigningKey(googleKey.kid) }, { aud: audience, email: serviceAccountEmail })],
    ["signed with an unknown key id", () => signIdToken(generateSigningKey("someone-else"), { aud: audience, email: serviceAccountEmail })],
    ["for another audience", () => signIdToken(googleKey, { aud: "https://other.example.test/pubsub/csv-ready", email: serviceAccountEmail })],
    ["for another service account", () => signIdToken(googleKey, { aud: audience, email: "intruder@crm-sync-test.iam.gserviceaccount.com" })],
    ["with an unverified email", () => signIdToken(googleKey, { aud: audience, email: serviceAccountEmail, email_verified: false })],
    ["from another issuer", () => signIdToken(googleKey, { aud: audience, email: serviceAccountEmail, iss: "https://issuer.example.test" })],
    ["that expired an hour ago", () => signIdToken(googleKey, { aud: audience, email: serviceAccountEmail, expiresIn: -3600 })],
    ["that is not a JWT", () => "not-a-token"],
  ])("refuses a token %s with 403", async (_case, token) => {
    expect(await verifier.verify(bearer(token()))).toMatchObject({ ok: false, status: 403 });
  });

  it("never quotes the token or its claims in the refusal reason", async () => {
    const result = await verifier.verify(bearer(signIdToken(googleKey, { aud: "https://other.example.test/", email: serviceAccountEmail })));
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain("crm-sync-test.iam");
    expect(JSON.stringify(result)).not.toContain("eyJ");
  });

  it("refuses to start enabled without an audience or service account", () => {
    expect(() => createOidcVerifier({ enabled: true, audience, serviceAccountEmail: "" })).toThrow(/not configured/);
    expect(() => createOidcVerifier({ enabled: true, serviceAccountEmail })).toThrow(/not configured/);
  });

  it("lets every request through only when switched off explicitly", async () => {
    expect(await createOidcVerifier({ enabled: false }).verify(undefined)).toEqual({ ok: true });
  });
});
