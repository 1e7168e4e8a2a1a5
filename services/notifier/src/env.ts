import { z } from "zod";
import {
  CommonEnv,
  DatabaseEnv,
  DURATION_PATTERN,
  intervalOrOff,
  parseDuration,
  parseEnv,
  PubSubEnv,
  requirePushAuth,
  requireSchedulerAuth,
  SchedulerEnv,
  databaseTimeoutsEnv,
  SHORT_DATABASE_TIMEOUTS,
} from "@crm-sync/config";

/** "24h", "90m", "30s", "1500ms", "2d" → milliseconds. */
const Duration = z
  .string()
  .regex(DURATION_PATTERN, "must be a number with a unit: ms, s, m, h or d (e.g. 24h)")
  .transform((value) => parseDuration(value) ?? Number.NaN);

export const Env = CommonEnv.extend({
  ...PubSubEnv.shape,
  ...DatabaseEnv.shape,
  ...databaseTimeoutsEnv(SHORT_DATABASE_TIMEOUTS).shape,
  ...SchedulerEnv.shape,
  /** smtp:// or smtps://, credentials included. Unset with OUTBOX_DIR set: embedded mode, `.eml` files. */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  OUTBOX_DIR: z.string().min(1).optional(),
  ALERT_TO: z.string().min(3).optional(),
  ALERT_FROM: z.string().min(3).optional(),
  SMTP_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  DASHBOARD_URL: z.url().default("http://localhost:8080/"),
  /**
   * The chat alert channel: a Slack or Google Chat incoming-webhook URL (a secret: its path or
   * query is the credential). Unset or `off`: email only.
   */
  CHAT_WEBHOOK_URL: z.union([z.literal("off"), z.url({ protocol: /^https?$/ })]).optional(),
  /** e.g. https://console.cloud.google.com/traces/list?project=crm-sync-prod&tid={traceId} */
  TRACE_URL_TEMPLATE: z.string().includes("{traceId}").optional(),
  REMINDER_AFTER: Duration.default(24 * 3_600_000),
  STALE_AFTER: Duration.default(26 * 3_600_000),
  /** The in-process staleness check; `off` in the cloud, where Cloud Scheduler calls POST /v1/staleness-check. */
  STALE_CHECK_INTERVAL: intervalOrOff("15m"),
}).superRefine((env, issues) => {
  if (env.SMTP_URL === undefined && env.OUTBOX_DIR === undefined) {
    issues.addIssue({ code: "custom", path: ["SMTP_URL"], message: "set SMTP_URL, or OUTBOX_DIR for embedded mode" });
  }
  if (env.SMTP_URL !== undefined) {
    for (const name of ["ALERT_TO", "ALERT_FROM"] as const) {
      if (env[name] === undefined) issues.addIssue({ code: "custom", path: [name], message: "required when SMTP_URL is set" });
    }
  }
  // The webhook URL is its own credential: plain http only to this machine (tests, a local relay).
  if (env.CHAT_WEBHOOK_URL !== undefined && env.CHAT_WEBHOOK_URL !== "off" && !isHttpsOrLoopback(env.CHAT_WEBHOOK_URL)) {
    issues.addIssue({ code: "custom", path: ["CHAT_WEBHOOK_URL"], message: "must be https:// (http:// only for 127.0.0.1 or localhost)" });
  }
  requirePushAuth(env, issues);
  requireSchedulerAuth("STALE_CHECK_INTERVAL")(env, issues);
});
export type Env = z.infer<typeof Env>;

function isHttpsOrLoopback(value: string): boolean {
  const url = new URL(value);
  return url.protocol === "https:" || ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

export function readEnv(env: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, env);
}
