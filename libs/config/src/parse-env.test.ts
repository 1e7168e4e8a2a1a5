import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, CommonEnv, envFlag, parseEnv } from "./index.ts";

const Env = CommonEnv.extend({
  DATABASE_URL: z.string().min(1),
  PUBSUB_VERIFY_OIDC: envFlag(true),
  MAX_ATTEMPTS: z.coerce.number().int().positive(),
});

describe("parseEnv", () => {
  it("parses a good environment with defaults", () => {
    const env = parseEnv(Env, { DATABASE_URL: "postgres://x", MAX_ATTEMPTS: "5" });
    expect(env).toMatchObject({ PORT: 8080, DATABASE_URL: "postgres://x", PUBSUB_VERIFY_OIDC: true, MAX_ATTEMPTS: 5 });
  });

  it("reads 'false' as false, unlike z.coerce.boolean", () => {
    for (const value of ["false", "0", "no", "off"]) {
      expect(parseEnv(Env, { DATABASE_URL: "x", MAX_ATTEMPTS: "1", PUBSUB_VERIFY_OIDC: value }).PUBSUB_VERIFY_OIDC).toBe(false);
    }
  });

  it("reports every bad variable at once, without their values", () => {
    let caught: unknown;
    try {
      parseEnv(Env, { PORT: "not-a-port", MAX_ATTEMPTS: "-3", PUBSUB_VERIFY_OIDC: "maybe-secret-value", DATABASE_URL: "" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["DATABASE_URL", "MAX_ATTEMPTS", "PORT", "PUBSUB_VERIFY_OIDC"]);
    expect(problems.find((p) => p.startsWith("DATABASE_URL"))).toContain("required but not set");
    expect((caught as Error).message).not.toContain("maybe-secret-value");
  });
});
