import { z } from "zod";
import { CommonEnv, envFlag, parseEnv } from "@crm-sync/config";

const ratio = z.coerce.number().min(0).max(1);

export const Env = CommonEnv.extend({
  /** `push`: Pub/Sub pushes to POST /pubsub/csv-ready. `pull`: a streaming-pull worker. */
  LOADER_MODE: z.enum(["push", "pull"]).default("push"),
  /** `postgres://…` (Supabase: the pooler URL) or `pglite://…`. */
  DATABASE_URL: z.string().regex(/^(postgres|postgresql|pglite):\/\/.+/, "must be postgres://…, postgresql://… or pglite://…"),
  /** `file:///absolute/dir` (local) or `gs://bucket`. */
  BLOB_URL: z.string().regex(/^(file:\/\/\/.+|gs:\/\/[a-z0-9][a-z0-9._-]{1,220})$/, "must be file:///dir or gs://bucket"),
  GCS_API_ENDPOINT: z.url().optional(),
  /** Largest share of invalid or duplicate rows a load accepts. */
  LOADER_MAX_REJECT_RATIO: ratio.default(0.01),
  /** Largest share of active customers one load may soft-delete without operator approval. */
  LOADER_MAX_DELETE_RATIO: ratio.default(0.1),
  /** Apply pending migrations at start-up (off where migrations run as a deploy step). */
  LOADER_MIGRATE: envFlag(true),
  PUBSUB_EMULATOR_HOST: z.string().min(1).optional(),
  PUBSUB_VERIFY_OIDC: envFlag(true),
  PUBSUB_PUSH_AUDIENCE: z.string().min(1).optional(),
  PUBSUB_PUSH_SERVICE_ACCOUNT: z.email().optional(),
  MAX_DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
}).superRefine((env, ctx) => {
  if (env.LOADER_MODE !== "push" || !env.PUBSUB_VERIFY_OIDC) return;
  for (const key of ["PUBSUB_PUSH_AUDIENCE", "PUBSUB_PUSH_SERVICE_ACCOUNT"] as const) {
    if (env[key] === undefined) ctx.addIssue({ code: "custom", path: [key], message: "required when PUBSUB_VERIFY_OIDC is on (set PUBSUB_VERIFY_OIDC=false only in local modes)" });
  }
});
export type Env = z.infer<typeof Env>;

export function readEnv(env: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, env);
}
