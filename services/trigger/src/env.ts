import { z } from "zod";
import {
  BlobEnv,
  CommonEnv,
  DatabaseEnv,
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
import { DEFAULT_STAGE_DEADLINES } from "./domain/stage-timeout.ts";
import { parseStageDeadlines } from "./domain/duration.ts";
import { parseServiceAccountList, parseTokenList, repeatedTokens, type ParsedList } from "./auth/api-credentials.ts";
import type { ApiToken, Role } from "./auth/roles.ts";

/** A parsed list whose problems become issues on this variable (they name positions, never values). */
const listOf = <T>(parse: (text: string) => ParsedList<T>) =>
  z
    .string()
    .default("")
    .transform((text, ctx) => {
      const parsed = parse(text);
      if (!parsed.ok) {
        for (const problem of parsed.problems) ctx.addIssue({ code: "custom", message: problem });
        return z.NEVER;
      }
      return parsed.entries;
    });
const tokens = (role: Role) => listOf((text) => parseTokenList(text, role));

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
  ...SchedulerEnv.shape,
  /** The export store, for replays (`POST /v1/syncs/replay`); replay is off without it. */
  BLOB_URL: BlobEnv.shape.BLOB_URL.optional(),
  GCS_API_ENDPOINT: BlobEnv.shape.GCS_API_ENDPOINT,
  /**
   * Static bearer tokens per role, comma-separated `name:token` (or a bare token, named by its
   * position); several per role so one can be rotated out. API_TOKENS are operator tokens.
   */
  API_VIEWER_TOKENS: tokens("viewer"),
  API_TOKENS: tokens("operator"),
  API_APPROVER_TOKENS: tokens("approver"),
  /** Accept Google ID tokens minted for this audience (usually the service URL)… */
  API_OIDC_AUDIENCE: z.string().min(1).optional(),
  /** …from these service accounts: comma-separated `email` (operator) or `email=role`. */
  API_OIDC_SERVICE_ACCOUNTS: listOf(parseServiceAccountList),
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
  /** The in-process stage-timeout sweep; `off` in the cloud, where Cloud Scheduler calls POST /v1/sweep-stage-timeouts. */
  SWEEP_INTERVAL: intervalOrOff("30s"),
})
  .refine((env) => apiTokensOf(env).length > 0 || env.API_OIDC_AUDIENCE !== undefined, {
    message: "set API_TOKENS (or API_VIEWER_TOKENS, API_APPROVER_TOKENS) or API_OIDC_AUDIENCE: every API call needs a caller",
    path: ["API_TOKENS"],
  })
  .superRefine((env, ctx) => {
    const lists = TOKEN_VARIABLES.map((variable) => ({ variable, tokens: env[variable] }));
    for (const problem of repeatedTokens(lists)) ctx.addIssue({ code: "custom", message: `${problem}: one token must mean one role`, path: ["API_TOKENS"] });
  })
  .refine((env) => env.API_OIDC_AUDIENCE === undefined || env.API_OIDC_SERVICE_ACCOUNTS.length > 0, {
    message: "API_OIDC_AUDIENCE needs API_OIDC_SERVICE_ACCOUNTS",
    path: ["API_OIDC_SERVICE_ACCOUNTS"],
  })
  .superRefine(requirePushAuth)
  .superRefine(requireSchedulerAuth("SWEEP_INTERVAL"));
export type Env = z.infer<typeof Env>;

const TOKEN_VARIABLES = ["API_VIEWER_TOKENS", "API_TOKENS", "API_APPROVER_TOKENS"] as const;

/** Every configured token with its role, in one list for the API's token check. */
export function apiTokensOf(env: Readonly<Record<(typeof TOKEN_VARIABLES)[number], readonly ApiToken[]>>): ApiToken[] {
  return TOKEN_VARIABLES.flatMap((variable) => env[variable]);
}

export function readEnv(env: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, env);
}
