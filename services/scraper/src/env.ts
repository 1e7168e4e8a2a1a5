import { z } from "zod";
import { CommonEnv, envFlag, parseEnv } from "@crm-sync/config";

export const Env = CommonEnv.extend({
  /** `push`: Pub/Sub pushes to POST /pubsub/sync-requested. `pull`: a streaming-pull worker. */
  SCRAPER_MODE: z.enum(["push", "pull"]).default("push"),
  QASHIER_URL: z.url({ protocol: /^https?$/ }),
  QASHIER_USERNAME: z.string().min(1),
  QASHIER_PASSWORD: z.string().min(1),
  CHROMIUM_PATH: z.string().min(1).optional(),
  /** Per missing control once the page has loaded (at most 15 s, so a broken page fails fast). */
  PORTAL_ELEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(15_000).default(15_000),
  PORTAL_NAVIGATION_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** From Confirm until the whole file is on disk; a million rows take a while. */
  PORTAL_DOWNLOAD_TIMEOUT_MS: z.coerce.number().int().min(100).default(300_000),
  /** `file:///absolute/dir` (local) or `gs://bucket`. */
  BLOB_URL: z.string().regex(/^(file:\/\/\/.+|gs:\/\/[a-z0-9][a-z0-9._-]{1,220})$/, "must be file:///dir or gs://bucket"),
  /** A GCS-compatible endpoint (the local test server); unset in the cloud. */
  GCS_API_ENDPOINT: z.url().optional(),
  PUBSUB_EMULATOR_HOST: z.string().min(1).optional(),
  PUBSUB_VERIFY_OIDC: envFlag(true),
  PUBSUB_PUSH_AUDIENCE: z.string().min(1).optional(),
  PUBSUB_PUSH_SERVICE_ACCOUNT: z.email().optional(),
  MAX_DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
}).superRefine((env, ctx) => {
  if (env.SCRAPER_MODE !== "push" || !env.PUBSUB_VERIFY_OIDC) return;
  for (const key of ["PUBSUB_PUSH_AUDIENCE", "PUBSUB_PUSH_SERVICE_ACCOUNT"] as const) {
    if (env[key] === undefined) ctx.addIssue({ code: "custom", path: [key], message: "required when PUBSUB_VERIFY_OIDC is on (set PUBSUB_VERIFY_OIDC=false only in local modes)" });
  }
});
export type Env = z.infer<typeof Env>;

export function readEnv(env: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, env);
}
