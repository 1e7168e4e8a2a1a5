import { describe, expect, it } from "vitest";
import { ConfigError } from "@crm-sync/config";
import { DEFAULT_STAGE_DEADLINES } from "./domain/stage-timeout.ts";
import { readEnv } from "./env.ts";

const base = { DATABASE_URL: "pglite://memory", API_TOKENS: "token-a, token-b", PUBSUB_MODE: "pull" };

function problemsOf(env: Record<string, string>): string[] {
  try {
    readEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.split(":")[0] ?? "");
    throw error;
  }
  return [];
}

describe("trigger env", () => {
  it("parses lists, durations and stage deadline overrides", () => {
    const env = readEnv({ ...base, STALE_AFTER: "30h", STAGE_DEADLINES: "scraping=45m", SWEEP_INTERVAL: "10s" });
    expect(env).toMatchObject({ API_TOKENS: ["token-a", "token-b"], STALE_AFTER: 30 * 3_600_000, SWEEP_INTERVAL: 10_000, PUBSUB_VERIFY_OIDC: true });
    expect(env.STAGE_DEADLINES).toEqual({ ...DEFAULT_STAGE_DEADLINES, scraping: 45 * 60_000 });
    expect(readEnv(base).STALE_AFTER).toBe(26 * 3_600_000);
  });

  it("reads PUBSUB_VERIFY_OIDC=false as false against the emulator, and refuses it elsewhere", () => {
    expect(readEnv({ ...base, PUBSUB_MODE: "push", PUBSUB_VERIFY_OIDC: "false", PUBSUB_EMULATOR_HOST: "127.0.0.1:8085" }).PUBSUB_VERIFY_OIDC).toBe(false);
    expect(problemsOf({ ...base, PUBSUB_MODE: "push", PUBSUB_VERIFY_OIDC: "false" })).toEqual(["PUBSUB_VERIFY_OIDC"]);
  });

  it("gives its database sessions short timeouts by default", () => {
    expect(readEnv(base)).toMatchObject({ DATABASE_STATEMENT_TIMEOUT: 30_000, DATABASE_LOCK_TIMEOUT: 10_000, DATABASE_IDLE_IN_TRANSACTION_TIMEOUT: 60_000 });
    expect(readEnv({ ...base, DATABASE_STATEMENT_TIMEOUT: "5s" }).DATABASE_STATEMENT_TIMEOUT).toBe(5_000);
  });

  it("refuses to start with no way to authenticate callers, or half an OIDC setup", () => {
    expect(problemsOf({ DATABASE_URL: "pglite://memory", PUBSUB_MODE: "pull" })).toEqual(["API_TOKENS"]);
    expect(problemsOf({ ...base, API_OIDC_AUDIENCE: "https://trigger.example.test" })).toEqual(["API_OIDC_SERVICE_ACCOUNTS"]);
    expect(problemsOf({ ...base, PUBSUB_MODE: "push" })).toEqual(["PUBSUB_PUSH_AUDIENCE", "PUBSUB_PUSH_SERVICE_ACCOUNT"]);
    expect(problemsOf({ ...base, STALE_AFTER: "soon", STAGE_DEADLINES: "dancing=5m" }).sort()).toEqual(["STAGE_DEADLINES", "STALE_AFTER"]);
  });
});
