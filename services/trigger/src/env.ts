import { z } from "zod";
import { BlobEnv, CommonEnv, DatabaseEnv, parseDuration, parseEnv, PubSubEnv, requirePushAuth, databaseTimeoutsEnv, SHORT_DATABASE_TIMEOUTS } from "@crm-sync/config";
import { DEFAULT_STAGE_DEADLINES } from "./domain/stage-timeout.ts";
import { parseStageDeadlines } from "./domain/duration.ts";

const list = z
  .string()
  .transform((text) => text.split(",").map((item) => item.trim()).filter((item) => item !== ""));

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined || ms <= 0) {
        ctx.addIssue({ code: "custom", message: "must be a duration such as 30s, 15m or 26h" });
        return z.NEVER;
      }
      return ms;
    });

export const Env = CommonEnv.extend({
  ...PubSubEnv.shape,
  ...DatabaseEnv.shape,
  ...databaseTimeoutsEnv(SHORT_DATABASE_TIMEOUTS).shape,
  /** The export store, for replays (`POST /v1/syncs/replay`); replay is off without it. */
  BLOB_URL: BlobEnv.shape.BLOB_URL.optional(),
  GCS_API_ENDPOINT: BlobEnv.shape.GCS_API_ENDPOINT,
  /** Comma-separated static API tokens; several allowed so one can be rotated out. */
  API_TOKENS: list.default([]),
  /** Accept Google ID tokens minted for this audience (usually the service URL)… */
  API_OIDC_AUDIENCE: z.string().min(1).optional(),
  /** …from these service accounts (comma-separated emails). */
  API_OIDC_SERVICE_ACCOUNTS: list.default([]),
  STALE_AFTER: duration("26h"),
  /** Overrides per stage, e.g. `scraping=30m,queued=5m`. */
  STAGE_DEADLINES: z
    .string()
    .default("")
    .transform((text, ctx) => {
      const parsed = parseStageDeadlines(text, DEFAULT_STAGE_DEADLINES);
      if (!parsed.ok) {
        ctx.addIssue({ code: "custom", message: parsed.reason });
        return z.NEVER;
      }
      return parsed.deadlines;
    }),
  SWEEP_INTERVAL: duration("30s"),
})
  .refine((env) => env.API_TOKENS.length > 0 || env.API_OIDC_AUDIENCE !== undefined, {
    message: "set API_TOKENS or API_OIDC_AUDIENCE: every API call needs a caller",
    path: ["API_TOKENS"],
  })
  .refine((env) => env.API_OIDC_AUDIENCE === undefined || env.API_OIDC_SERVICE_ACCOUNTS.length > 0, {
    message: "API_OIDC_AUDIENCE needs API_OIDC_SERVICE_ACCOUNTS",
    path: ["API_OIDC_SERVICE_ACCOUNTS"],
  })
  .superRefine(requirePushAuth);
export type Env = z.infer<typeof Env>;

export function readEnv(env: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, env);
}
