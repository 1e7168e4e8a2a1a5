import { describe, expect, it } from "vitest";
import { SyncRequestError } from "./errors.ts";
import { createSyncRoutes } from "./routes.ts";
import type { SyncRequester } from "./requester.ts";

const ROUTE = "https://app.example.test/api/crm/update-customers";
const ENV = { NEXT_PUBLIC_SUPABASE_URL: "https://synthetic.supabase.co", NEXT_PUBLIC_SUPABASE_ANON_KEY: "anon", PUBSUB_EMULATOR_HOST: "127.0.0.1:1", GCP_PROJECT_ID: "p" };
const session = async () => ({ label: "staff@club.invalid", accessToken: "staff-token" });
const failing = (error: unknown): SyncRequester => ({
  requestSync: async () => {
    throw error;
  },
});

describe("createSyncRoutes POST", () => {
  it("answers a publish that may succeed later as 503 with its code, and a configuration fault as 500", async () => {
    const retry = await createSyncRoutes({ env: ENV, getSession: session, requester: () => failing(new SyncRequestError("PUBLISH_FAILED", "The sync request could not be published.")) }).POST(
      new Request(ROUTE, { method: "POST" }),
    );
    expect(retry.status).toBe(503);
    expect(await retry.json()).toEqual({ error: { code: "PUBLISH_FAILED", message: "The sync request could not be published." } });
    const config = await createSyncRoutes({ env: ENV, getSession: session, requester: () => failing(new SyncRequestError("OIDC_TOKEN_MISSING", "No Vercel OIDC token.")) }).POST(
      new Request(ROUTE, { method: "POST" }),
    );
    expect(config.status).toBe(500);
  });

  it("hides an unexpected error's text behind INTERNAL", async () => {
    const response = await createSyncRoutes({ env: ENV, getSession: session, requester: () => failing(new Error("secret-looking detail")) }).POST(new Request(ROUTE, { method: "POST" }));
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("secret-looking detail");
  });

  it("names every missing variable when the app is not configured, and no value", async () => {
    const response = await createSyncRoutes({ env: { NEXT_PUBLIC_SUPABASE_ANON_KEY: "anon-key-value" } }).POST(new Request(ROUTE, { method: "POST" }));
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("NOT_CONFIGURED");
    expect(body.error.message).toContain("NEXT_PUBLIC_SUPABASE_URL");
    expect(body.error.message).toContain("GCP_PROJECT_ID");
    expect(body.error.message).not.toContain("anon-key-value");
  });
});
