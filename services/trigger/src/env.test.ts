import { describe, expect, it } from "vitest";
import { ConfigError } from "@crm-sync/config";
import { DEFAULT_STAGE_DEADLINES } from "./domain/stage-timeout.ts";
import { apiTokensOf, readEnv } from "./env.ts";

const TOKEN_A = "token-a-0123456789abcdefghij";
const TOKEN_B = "token-b-0123456789abcdefghij";
const base = { DATABASE_URL: "pglite://memory", API_TOKENS: `${TOKEN_A}, vercel:${TOKEN_B}`, PUBSUB_MODE: "pull" };

function problemsOf(env: Record<string, string>): string[] {
  try {
    readEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}
const variablesOf = (env: Record<string, string>) => problemsOf(env).map((p) => p.split(":")[0] ?? "");

describe("trigger env", () => {
  it("sweeps in-process every 30 s by default, and leaves it to Cloud Scheduler with SWEEP_INTERVAL=off", () => {
    expect(readEnv(base)).toMatchObject({ SWEEP_INTERVAL: 30_000 });
    const scheduler = { SCHEDULER_AUDIENCE: "https://trigger.example.test", SCHEDULER_SERVICE_ACCOUNT: "crm-sync-scheduler@p.iam.gserviceaccount.com" };
    expect(readEnv({ ...base, ...scheduler, SWEEP_INTERVAL: "off" })).toMatchObject({ SWEEP_INTERVAL: null, ...scheduler });
    expect(variablesOf({ ...base, SWEEP_INTERVAL: "off" })).toEqual(["SWEEP_INTERVAL"]);
  });

  it("parses token lists, durations and stage deadline overrides", () => {
    const env = readEnv({ ...base, STALE_AFTER: "30h", STAGE_DEADLINES: "scraping=45m", SWEEP_INTERVAL: "10s" });
    expect(env.API_TOKENS).toEqual([
      { name: "operator-token-1", role: "operator", token: TOKEN_A },
      { name: "vercel", role: "operator", token: TOKEN_B },
    ]);
    expect(env).toMatchObject({ STALE_AFTER: 30 * 3_600_000, SWEEP_INTERVAL: 10_000, PUBSUB_VERIFY_OIDC: true });
    expect(env.STAGE_DEADLINES).toEqual({ ...DEFAULT_STAGE_DEADLINES, scraping: 45 * 60_000 });
    expect(readEnv(base).STALE_AFTER).toBe(26 * 3_600_000);
  });

  it("gives each token list its role and service accounts operator unless told otherwise", () => {
    const env = readEnv({
      DATABASE_URL: "pglite://memory",
      PUBSUB_MODE: "pull",
      API_VIEWER_TOKENS: `board:${TOKEN_A}`,
      API_APPROVER_TOKENS: `oncall:${TOKEN_B}`,
      API_OIDC_AUDIENCE: "https://trigger.example.test",
      API_OIDC_SERVICE_ACCOUNTS: "Scheduler@p.iam.gserviceaccount.com, oncall@p.iam.gserviceaccount.com=approver",
    });
    expect(apiTokensOf(env).map(({ name, role }) => `${name}/${role}`)).toEqual(["board/viewer", "oncall/approver"]);
    expect(env.API_OIDC_SERVICE_ACCOUNTS).toEqual([
      { email: "scheduler@p.iam.gserviceaccount.com", role: "operator" },
      { email: "oncall@p.iam.gserviceaccount.com", role: "approver" },
    ]);
  });

  it("refuses a token shorter than 24 characters, naming the variable and entry but never the value", () => {
    const short = "short-token-0123456789";
    const problems = problemsOf({ ...base, API_APPROVER_TOKENS: `ok:${TOKEN_A.replace("a", "c")},admin:${short}` });
    expect(problems).toEqual(["API_APPROVER_TOKENS: entry 2: the token is shorter than 24 characters"]);
    expect(problems.join("\n")).not.toContain(short);
    expect(variablesOf({ ...base, API_TOKENS: short })).toEqual(["API_TOKENS"]);
    expect(variablesOf({ ...base, API_VIEWER_TOKENS: "x".repeat(23) })).toEqual(["API_VIEWER_TOKENS"]);
  });

  it("refuses the same token under two roles, and bad service account entries", () => {
    const problems = problemsOf({ ...base, API_VIEWER_TOKENS: TOKEN_B });
    expect(problems).toEqual(["API_TOKENS: API_TOKENS entry 2 repeats the token of API_VIEWER_TOKENS entry 1: one token must mean one role"]);
    expect(problems.join("\n")).not.toContain(TOKEN_B);
    const accounts = { ...base, API_OIDC_AUDIENCE: "https://trigger.example.test" };
    expect(problemsOf({ ...accounts, API_OIDC_SERVICE_ACCOUNTS: "a@p.iam.gserviceaccount.com=owner" })).toEqual([
      "API_OIDC_SERVICE_ACCOUNTS: entry 1: unknown role (use viewer, operator, approver)",
    ]);
    expect(variablesOf({ ...accounts, API_OIDC_SERVICE_ACCOUNTS: "not-an-email" })).toEqual(["API_OIDC_SERVICE_ACCOUNTS"]);
  });

  it("reads PUBSUB_VERIFY_OIDC=false as false against the emulator, and refuses it elsewhere", () => {
    expect(readEnv({ ...base, PUBSUB_MODE: "push", PUBSUB_VERIFY_OIDC: "false", PUBSUB_EMULATOR_HOST: "127.0.0.1:8085" }).PUBSUB_VERIFY_OIDC).toBe(false);
    expect(variablesOf({ ...base, PUBSUB_MODE: "push", PUBSUB_VERIFY_OIDC: "false" })).toEqual(["PUBSUB_VERIFY_OIDC"]);
  });

  it("gives its database sessions short timeouts by default", () => {
    expect(readEnv(base)).toMatchObject({ DATABASE_STATEMENT_TIMEOUT: 30_000, DATABASE_LOCK_TIMEOUT: 10_000, DATABASE_IDLE_IN_TRANSACTION_TIMEOUT: 60_000 });
    expect(readEnv({ ...base, DATABASE_STATEMENT_TIMEOUT: "5s" }).DATABASE_STATEMENT_TIMEOUT).toBe(5_000);
  });

  it("refuses to start with no way to authenticate callers, or half an OIDC setup", () => {
    expect(variablesOf({ DATABASE_URL: "pglite://memory", PUBSUB_MODE: "pull" })).toEqual(["API_TOKENS"]);
    expect(variablesOf({ ...base, API_OIDC_AUDIENCE: "https://trigger.example.test" })).toEqual(["API_OIDC_SERVICE_ACCOUNTS"]);
    expect(variablesOf({ ...base, PUBSUB_MODE: "push" })).toEqual(["PUBSUB_PUSH_AUDIENCE", "PUBSUB_PUSH_SERVICE_ACCOUNT"]);
    expect(variablesOf({ ...base, STALE_AFTER: "soon", STAGE_DEADLINES: "dancing=5m" }).sort()).toEqual(["STAGE_DEADLINES", "STALE_AFTER"]);
  });
});
