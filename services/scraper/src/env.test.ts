import { describe, expect, it } from "vitest";
import { ConfigError } from "@crm-sync/config";
import { readEnv } from "./env.ts";

const base = {
  QASHIER_URL: "https://merchant.example.test",
  QASHIER_USERNAME: "front-desk@example.test",
  QASHIER_PASSWORD: "s3cret-ไทย",
  BLOB_URL: "gs://crm-sync-exports",
  PUBSUB_PUSH_AUDIENCE: "https://scraper.example.test/pubsub/scrape-requested",
  PUBSUB_PUSH_SERVICE_ACCOUNT: "pubsub-push@crm-sync.iam.gserviceaccount.com",
};

function problems(env: Record<string, string>): string[] {
  try {
    readEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe("scraper environment", () => {
  it("defaults to push mode with bounded deadlines", () => {
    expect(readEnv(base)).toMatchObject({ PUBSUB_MODE: "push", PORTAL_ELEMENT_TIMEOUT_MS: 15_000, PUBSUB_VERIFY_OIDC: true, MAX_DELIVERY_ATTEMPTS: 5 });
  });

  it("requires the OIDC audience and account while the push check is on", () => {
    const { PUBSUB_PUSH_AUDIENCE: _a, PUBSUB_PUSH_SERVICE_ACCOUNT: _b, ...withoutOidc } = base;
    expect(problems(withoutOidc).map((p) => p.split(":")[0]).sort()).toEqual(["PUBSUB_PUSH_AUDIENCE", "PUBSUB_PUSH_SERVICE_ACCOUNT"]);
    expect(readEnv({ ...withoutOidc, PUBSUB_VERIFY_OIDC: "false", PUBSUB_EMULATOR_HOST: "127.0.0.1:8085" }).PUBSUB_VERIFY_OIDC).toBe(false);
    expect(problems({ ...withoutOidc, PUBSUB_VERIFY_OIDC: "false" })).toEqual([expect.stringMatching(/^PUBSUB_VERIFY_OIDC: may be false only with PUBSUB_EMULATOR_HOST/)]);
    expect(readEnv({ ...withoutOidc, PUBSUB_MODE: "pull" }).PUBSUB_MODE).toBe("pull");
  });

  it("refuses an element deadline over 15 s and an unknown blob URL, without echoing the password", () => {
    const found = problems({ ...base, PORTAL_ELEMENT_TIMEOUT_MS: "60000", BLOB_URL: "s3://bucket", QASHIER_URL: "not a url" });
    expect(found.map((p) => p.split(":")[0]).sort()).toEqual(["BLOB_URL", "PORTAL_ELEMENT_TIMEOUT_MS", "QASHIER_URL"]);
    expect(found.join("\n")).not.toContain(base.QASHIER_PASSWORD);
  });

  it("accepts a local folder as the blob store", () => {
    expect(readEnv({ ...base, BLOB_URL: "file:///var/tmp/crm-sync" }).BLOB_URL).toBe("file:///var/tmp/crm-sync");
  });
});
