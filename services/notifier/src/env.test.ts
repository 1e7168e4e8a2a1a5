import { describe, expect, it } from "vitest";
import { ConfigError } from "@crm-sync/config";
import { readEnv } from "./env.ts";

const embedded = { DATABASE_URL: "pglite://memory", OUTBOX_DIR: "/tmp/outbox", PUBSUB_MODE: "pull" };

describe("notifier environment", () => {
  it("has the documented defaults", () => {
    expect(readEnv(embedded)).toMatchObject({
      REMINDER_AFTER: 24 * 3_600_000,
      STALE_AFTER: 26 * 3_600_000,
      STALE_CHECK_INTERVAL: 15 * 60_000,
      SMTP_ATTEMPTS: 3,
      DASHBOARD_URL: "http://localhost:8080/",
      PUBSUB_VERIFY_OIDC: true,
    });
  });

  it("leaves the staleness check to Cloud Scheduler with STALE_CHECK_INTERVAL=off, and only then", () => {
    const scheduler = { SCHEDULER_AUDIENCE: "https://notifier.example.test", SCHEDULER_SERVICE_ACCOUNT: "crm-sync-scheduler@p.iam.gserviceaccount.com" };
    expect(readEnv({ ...embedded, ...scheduler, STALE_CHECK_INTERVAL: "off" }).STALE_CHECK_INTERVAL).toBeNull();
    expect(() => readEnv({ ...embedded, STALE_CHECK_INTERVAL: "off" })).toThrow(/STALE_CHECK_INTERVAL: may be off only with SCHEDULER_AUDIENCE/);
  });

  it("reads durations with units", () => {
    const env = readEnv({ ...embedded, REMINDER_AFTER: "12h", STALE_AFTER: "2d", STALE_CHECK_INTERVAL: "90s" });
    expect([env.REMINDER_AFTER, env.STALE_AFTER, env.STALE_CHECK_INTERVAL]).toEqual([12 * 3_600_000, 48 * 3_600_000, 90_000]);
  });

  it("reads PUBSUB_VERIFY_OIDC=false as false against the emulator, and refuses it elsewhere", () => {
    expect(readEnv({ ...embedded, PUBSUB_MODE: "push", PUBSUB_VERIFY_OIDC: "false", PUBSUB_EMULATOR_HOST: "127.0.0.1:8085" }).PUBSUB_VERIFY_OIDC).toBe(false);
    expect(() => readEnv({ ...embedded, PUBSUB_MODE: "push", PUBSUB_VERIFY_OIDC: "false" })).toThrow(/PUBSUB_VERIFY_OIDC: may be false only with PUBSUB_EMULATOR_HOST/);
  });

  it("gives its database sessions short timeouts by default", () => {
    expect(readEnv(embedded)).toMatchObject({ DATABASE_STATEMENT_TIMEOUT: 30_000, DATABASE_LOCK_TIMEOUT: 10_000, DATABASE_IDLE_IN_TRANSACTION_TIMEOUT: 60_000 });
  });

  it("lists every missing or bad variable at once, without values", () => {
    let caught: unknown;
    try {
      readEnv({ DATABASE_URL: "postgres://x", SMTP_URL: "smtp://user:s3cret-pass@mail.example.test:587", STALE_AFTER: "soon" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const names = (caught as ConfigError).problems.map((p) => p.split(":")[0]).sort();
    expect(names).toEqual(["ALERT_FROM", "ALERT_TO", "PUBSUB_PUSH_AUDIENCE", "PUBSUB_PUSH_SERVICE_ACCOUNT", "STALE_AFTER"]);
    expect((caught as Error).message).not.toContain("s3cret-pass");
  });

  it("requires the addresses with SMTP and the OIDC settings for verified push", () => {
    let caught: unknown;
    try {
      readEnv({ DATABASE_URL: "postgres://x", SMTP_URL: "smtp://mail.example.test:25" });
    } catch (error) {
      caught = error;
    }
    const names = (caught as ConfigError).problems.map((p) => p.split(":")[0]).sort();
    expect(names).toEqual(["ALERT_FROM", "ALERT_TO", "PUBSUB_PUSH_AUDIENCE", "PUBSUB_PUSH_SERVICE_ACCOUNT"]);
  });

  it("needs somewhere to send mail", () => {
    expect(() => readEnv({ DATABASE_URL: "postgres://x", PUBSUB_MODE: "pull" })).toThrow(/SMTP_URL: set SMTP_URL, or OUTBOX_DIR/);
  });

  it("takes a chat webhook over https, or http to this machine only, or off, and never echoes it", () => {
    const slack = "https://hooks.slack.com/services/T0SYNTH01/B0SYNTH02/syntheticWebhookSecret";
    expect(readEnv({ ...embedded, CHAT_WEBHOOK_URL: slack }).CHAT_WEBHOOK_URL).toBe(slack);
    expect(readEnv({ ...embedded, CHAT_WEBHOOK_URL: "http://127.0.0.1:9000/hook" }).CHAT_WEBHOOK_URL).toBe("http://127.0.0.1:9000/hook");
    expect(readEnv({ ...embedded, CHAT_WEBHOOK_URL: "off" }).CHAT_WEBHOOK_URL).toBe("off");
    expect(readEnv(embedded).CHAT_WEBHOOK_URL).toBeUndefined();
    for (const bad of ["http://chat.example.test/v1/spaces/AAAA/messages?key=syntheticWebhookSecret", "ftp://syntheticWebhookSecret.example.test/"]) {
      let caught: unknown;
      try {
        readEnv({ ...embedded, CHAT_WEBHOOK_URL: bad });
      } catch (error) {
        caught = error;
      }
      expect([...new Set((caught as ConfigError).problems.map((p) => p.split(":")[0]))]).toEqual(["CHAT_WEBHOOK_URL"]);
      expect((caught as Error).message).not.toContain("syntheticWebhookSecret");
    }
  });
});
