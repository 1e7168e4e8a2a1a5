import { z } from "zod";
import { BlobEnv, CommonEnv, DatabaseEnv, parseEnv, PubSubEnv, requirePushAuth } from "@crm-sync/config";

const ratio = z.coerce.number().min(0).max(1);

export const Env = CommonEnv.extend({
  ...PubSubEnv.shape,
  ...DatabaseEnv.shape,
  ...BlobEnv.shape,
  /** Largest share of invalid or duplicate rows a load accepts. */
  LOADER_MAX_REJECT_RATIO: ratio.default(0.01),
  /** Largest share of active customers one load may soft-delete without operator approval. */
  LOADER_MAX_DELETE_RATIO: ratio.default(0.1),
}).superRefine(requirePushAuth);
export type Env = z.infer<typeof Env>;

export function readEnv(env: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, env);
}
