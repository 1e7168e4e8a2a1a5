import { createVerify, generateKeyPairSync } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  parseServiceAccountKey,
  parseVercelSyncEnv,
  pubsubRequester,
  serviceAccountKeyClient,
  vercelOidcToken,
  vercelSubjectToken,
  workloadIdentityClient,
} from "../src/index.ts";

const VERCEL_OIDC_TOKEN = "vercel-oidc-token-for-the-test-deployment";
const EXPIRED_VERCEL_TOKEN = "expired-vercel-oidc-token";
const FEDERATED_TOKEN = "federated-token-from-the-sts-stand-in";
const SERVICE_ACCOUNT_TOKEN = "service-account-token-from-the-iam-stand-in";
const SERVICE_ACCOUNT = "crm-sync-vercel@synthetic-project.iam.gserviceaccount.com";
const IDENTITY = { projectNumber: "123456789012", poolId: "vercel", providerId: "vercel-team", serviceAccountEmail: SERVICE_ACCOUNT };

interface Seen {
  path: string;
  authorization: string | undefined;
  form: Record<string, string>;
  json: Record<string, unknown>;
}

/**
 * Google's STS and IAM Credentials API on loopback: the two calls of a Workload Identity
 * Federation exchange, answered as Google documents them, every request recorded.
 */
async function startGoogleTokenStandIn(): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await read(req);
      const path = req.url ?? "";
      const isForm = (req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
      seen.push({
        path,
        authorization: req.headers.authorization,
        form: isForm ? Object.fromEntries(new URLSearchParams(body)) : {},
        json: !isForm && body !== "" ? (JSON.parse(body) as Record<string, unknown>) : {},
      });
      res.setHeader("content-type", "application/json");
      if (req.method === "POST" && path === "/v1/token" && new URLSearchParams(body).get("subject_token") === EXPIRED_VERCEL_TOKEN) {
        // What Google's STS answers for an expired or foreign subject token.
        res.statusCode = 400;
        res.end(JSON.stringify({ error: "invalid_grant", error_description: "The incoming token has expired." }));
      } else if (req.method === "POST" && path === "/v1/token") {
        res.end(JSON.stringify({ access_token: FEDERATED_TOKEN, issued_token_type: "urn:ietf:params:oauth:token-type:access_token", token_type: "Bearer", expires_in: 3600 }));
      } else if (req.method === "POST" && path === `/v1/projects/-/serviceAccounts/${encodeURIComponent(SERVICE_ACCOUNT)}:generateAccessToken`) {
        if (req.headers.authorization !== `Bearer ${FEDERATED_TOKEN}`) {
          res.statusCode = 401;
          res.end(JSON.stringify({ error: { code: 401, message: "federated token required", status: "UNAUTHENTICATED" } }));
          return;
        }
        res.end(JSON.stringify({ accessToken: SERVICE_ACCOUNT_TOKEN, expireTime: new Date(Date.now() + 3_600_000).toISOString() }));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: { code: 404, message: "not found" } }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("Workload Identity Federation from Vercel's OIDC token, against a loopback STS and IAM stand-in", () => {
  let google: Awaited<ReturnType<typeof startGoogleTokenStandIn>>;
  beforeAll(async () => {
    google = await startGoogleTokenStandIn();
  });
  afterAll(async () => {
    await google.close();
  });
  beforeEach(() => {
    google.seen.length = 0;
  });

  const client = (getSubjectToken: () => Promise<string>) =>
    workloadIdentityClient({ ...IDENTITY, stsUrl: `${google.url}/v1/token`, iamCredentialsUrl: google.url }, getSubjectToken);

  it("exchanges the Vercel token at the STS for the pool's audience, then impersonates the publisher service account", async () => {
    const headers = await client(async () => VERCEL_OIDC_TOKEN).getRequestHeaders();
    expect(headers.get("authorization")).toBe(`Bearer ${SERVICE_ACCOUNT_TOKEN}`);

    const [exchange, impersonation] = google.seen;
    expect(google.seen).toHaveLength(2);
    expect(exchange).toMatchObject({
      path: "/v1/token",
      form: {
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        audience: "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/vercel/providers/vercel-team",
        subject_token: VERCEL_OIDC_TOKEN,
        subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
        requested_token_type: "urn:ietf:params:oauth:token-type:access_token",
      },
    });
    expect(exchange?.form["scope"]).toContain("https://www.googleapis.com/auth/cloud-platform");
    expect(impersonation).toMatchObject({
      path: `/v1/projects/-/serviceAccounts/${encodeURIComponent(SERVICE_ACCOUNT)}:generateAccessToken`,
      authorization: `Bearer ${FEDERATED_TOKEN}`,
      json: { scope: ["https://www.googleapis.com/auth/cloud-platform"] },
    });
  });

  it("fails with OIDC_TOKEN_MISSING, exchanging nothing, when the deployment has no OIDC token", async () => {
    const env = parseVercelSyncEnv({ GCP_PROJECT_ID: "synthetic-project", GCP_SERVICE_ACCOUNT_KEY: "{}", NEXT_PUBLIC_SUPABASE_URL: "https://synthetic.supabase.co", NEXT_PUBLIC_SUPABASE_ANON_KEY: "anon" });
    const error = await client(vercelSubjectToken(new Request("https://app.example.test/"), env))
      .getRequestHeaders()
      .then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: "OIDC_TOKEN_MISSING", retryable: false });
    expect(google.seen).toEqual([]);
  });

  it("uses the request's token through the same supplier the environment wiring uses", async () => {
    const env = parseVercelSyncEnv({ GCP_PROJECT_ID: "synthetic-project", GCP_SERVICE_ACCOUNT_KEY: "{}", NEXT_PUBLIC_SUPABASE_URL: "https://synthetic.supabase.co", NEXT_PUBLIC_SUPABASE_ANON_KEY: "anon" });
    const request = new Request("https://app.example.test/", { headers: { "x-vercel-oidc-token": VERCEL_OIDC_TOKEN } });
    expect((await client(vercelSubjectToken(request, env)).getRequestHeaders()).get("authorization")).toBe(`Bearer ${SERVICE_ACCOUNT_TOKEN}`);
    expect(google.seen[0]?.form["subject_token"]).toBe(VERCEL_OIDC_TOKEN);
  });

  // The publisher gets its token before it opens a Pub/Sub client, so these never reach Pub/Sub.
  it("makes the publisher fail with OIDC_TOKEN_MISSING, or CREDENTIALS_REFUSED when the STS refuses the token", async () => {
    const env = parseVercelSyncEnv({ GCP_PROJECT_ID: "synthetic-project", GCP_SERVICE_ACCOUNT_KEY: "{}", NEXT_PUBLIC_SUPABASE_URL: "https://synthetic.supabase.co", NEXT_PUBLIC_SUPABASE_ANON_KEY: "anon" });
    const publish = (request: Request) =>
      pubsubRequester({ projectId: "synthetic-project", auth: client(vercelSubjectToken(request, env)) })
        .requestSync({ requestedBy: "front desk" })
        .then(() => undefined, (e: unknown) => e);
    expect(await publish(new Request("https://app.example.test/"))).toMatchObject({ code: "OIDC_TOKEN_MISSING", retryable: false });
    const expired = await publish(new Request("https://app.example.test/", { headers: { "x-vercel-oidc-token": EXPIRED_VERCEL_TOKEN } }));
    expect(expired).toMatchObject({ code: "CREDENTIALS_REFUSED", retryable: false });
    expect((expired as Error).message).not.toContain(EXPIRED_VERCEL_TOKEN);
    expect(google.seen.map((seen) => seen.form["subject_token"])).toEqual([EXPIRED_VERCEL_TOKEN]);
  });

  it("takes the token from the request's x-vercel-oidc-token header before VERCEL_OIDC_TOKEN", () => {
    const env = parseVercelSyncEnv({
      GCP_PROJECT_ID: "synthetic-project",
      GCP_PROJECT_NUMBER: IDENTITY.projectNumber,
      GCP_WORKLOAD_IDENTITY_POOL_ID: IDENTITY.poolId,
      GCP_WORKLOAD_IDENTITY_POOL_PROVIDER_ID: IDENTITY.providerId,
      GCP_SERVICE_ACCOUNT_EMAIL: SERVICE_ACCOUNT,
      VERCEL_OIDC_TOKEN: "token-from-the-environment",
      NEXT_PUBLIC_SUPABASE_URL: "https://synthetic.supabase.co",
      NEXT_PUBLIC_SUPABASE_ANON_KEY: "anon",
    });
    const request = new Request("https://app.example.test/api/crm/update-customers", { headers: { "x-vercel-oidc-token": VERCEL_OIDC_TOKEN } });
    expect(vercelOidcToken(request, env)).toBe(VERCEL_OIDC_TOKEN);
    expect(vercelOidcToken(new Request("https://app.example.test/"), env)).toBe("token-from-the-environment");
  });

  it("lists every missing WIF variable at once, naming no value", () => {
    const error = (() => {
      try {
        parseVercelSyncEnv({ GCP_PROJECT_ID: "synthetic-project", NEXT_PUBLIC_SUPABASE_URL: "https://synthetic.supabase.co", NEXT_PUBLIC_SUPABASE_ANON_KEY: "anon-key-value" });
      } catch (e) {
        return e as Error & { code?: string };
      }
      return undefined;
    })();
    expect(error?.code).toBe("NOT_CONFIGURED");
    for (const name of ["GCP_PROJECT_NUMBER", "GCP_WORKLOAD_IDENTITY_POOL_ID", "GCP_WORKLOAD_IDENTITY_POOL_PROVIDER_ID", "GCP_SERVICE_ACCOUNT_EMAIL"]) expect(error?.message).toContain(name);
    expect(error?.message).not.toContain("anon-key-value");
  });
});

describe("a service-account key from the environment", () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyJson = JSON.stringify({
    type: "service_account",
    project_id: "synthetic-project",
    private_key_id: "synthetic-key-id-0001",
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    client_email: SERVICE_ACCOUNT,
  });

  it("signs Pub/Sub's bearer token with the key itself (no token endpoint), for the publisher's account", async () => {
    const auth = serviceAccountKeyClient(parseServiceAccountKey(keyJson));
    const headers = await auth.getRequestHeaders("https://pubsub.googleapis.com/");
    const jwt = /^Bearer (.+)$/.exec(headers.get("authorization") ?? "")?.[1] ?? "";
    const [header, payload, signature] = jwt.split(".");
    const verifier = createVerify("RSA-SHA256").update(`${header}.${payload}`);
    expect(verifier.verify(publicKey, Buffer.from(signature ?? "", "base64url"))).toBe(true);
    expect(JSON.parse(Buffer.from(header ?? "", "base64url").toString())).toMatchObject({ alg: "RS256", kid: "synthetic-key-id-0001" });
    expect(JSON.parse(Buffer.from(payload ?? "", "base64url").toString())).toMatchObject({ iss: SERVICE_ACCOUNT, sub: SERVICE_ACCOUNT, aud: "https://pubsub.googleapis.com/" });
  });

  it("refuses text that is not a key, without quoting it", () => {
    for (const text of ["not json at all", JSON.stringify({ type: "authorized_user", client_email: SERVICE_ACCOUNT })]) {
      const error = (() => {
        try {
          parseServiceAccountKey(text);
        } catch (e) {
          return e as Error & { code?: string };
        }
        return undefined;
      })();
      expect(error?.code).toBe("NOT_CONFIGURED");
      expect(error?.message).not.toContain(text);
    }
  });
});
