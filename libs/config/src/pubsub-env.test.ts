import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "./parse-env.ts";
import { PubSubEnv, requirePushAuth } from "./pubsub-env.ts";

const Env = PubSubEnv.superRefine(requirePushAuth);

function problems(env: Record<string, string>): string[] {
  try {
    parseEnv(Env, env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe("the Pub/Sub push check", () => {
  it.each([["push"], ["pull"]])("refuses PUBSUB_VERIFY_OIDC=false without the emulator (%s mode)", (mode) => {
    const found = problems({ PUBSUB_MODE: mode, PUBSUB_VERIFY_OIDC: "false" });
    expect(found).toEqual([expect.stringMatching(/^PUBSUB_VERIFY_OIDC: may be false only with PUBSUB_EMULATOR_HOST set/)]);
  });

  it("allows it off against the emulator, which signs nothing", () => {
    expect(parseEnv(Env, { PUBSUB_VERIFY_OIDC: "false", PUBSUB_EMULATOR_HOST: "127.0.0.1:8085" }).PUBSUB_VERIFY_OIDC).toBe(false);
  });

  it("keeps it on by default and then needs the audience and the account, emulator or not", () => {
    expect(problems({ PUBSUB_EMULATOR_HOST: "127.0.0.1:8085" }).map((p) => p.split(":")[0]).sort()).toEqual(["PUBSUB_PUSH_AUDIENCE", "PUBSUB_PUSH_SERVICE_ACCOUNT"]);
    const verified = parseEnv(Env, { PUBSUB_PUSH_AUDIENCE: "https://loader.example.test", PUBSUB_PUSH_SERVICE_ACCOUNT: "push@crm-sync.iam.gserviceaccount.com" });
    expect(verified.PUBSUB_VERIFY_OIDC).toBe(true);
  });
});
