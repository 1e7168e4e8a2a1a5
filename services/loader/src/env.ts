import { z } from "zod";
import { BlobEnv, CommonEnv, DatabaseEnv, databaseTimeoutsEnv, DURATION_PATTERN, parseDuration, parseEnv, PubSubEnv, requirePushAuth } from "@crm-sync/config";
import { LOADER_DATABASE_TIMEOUTS } from "./database-settings.ts";

const ratio = z.coerce.number().min(0).max(1);

export const Env = CommonEnv.extend({
  ...PubSubEnv.shape,
  ...DatabaseEnv.shape,
  ...databaseTimeoutsEnv(LOADER_DATABASE_TIMEOUTS).shape,
  ...BlobEnv.shape,
  /** The longest the export's download may go without bytes before the load fails (retried); the loader's default when unset. */
  LOADER_BLOB_STALL_TIMEOUT: z
    .string()
    .regex(DURATION_PATTERN, "must be a duration such as 30s or 2m")
    .transform((text) => parseDuration(text) ?? Number.NaN)
    .pipe(z.number().int().min(1, "must be longer than 0"))
    .optional(),
  /** Largest share of invalid or duplicate rows a load accepts. */
  LOADER_MAX_REJECT_RATIO: ratio.default(0.01),
  /** Largest share of active customers one load may soft-delete without operator approval. */
  LOADER_MAX_DELETE_RATIO: ratio.default(0.1),
}).superRefine(requirePushAuth);
export type Env = z.infer<typeof Env>;

export function readEnv(env: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, env);
}
