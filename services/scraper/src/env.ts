import { z } from "zod";
import { BlobEnv, CommonEnv, parseEnv, PubSubEnv, requirePushAuth } from "@crm-sync/config";

export const Env = CommonEnv.extend({
  ...PubSubEnv.shape,
  ...BlobEnv.shape,
  QASHIER_URL: z.url({ protocol: /^https?$/ }),
  QASHIER_USERNAME: z.string().min(1),
  QASHIER_PASSWORD: z.string().min(1),
  CHROMIUM_PATH: z.string().min(1).optional(),
  /** Per missing control once the page has loaded (at most 15 s, so a broken page fails fast). */
  PORTAL_ELEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(15_000).default(15_000),
  PORTAL_NAVIGATION_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** From Confirm until the whole file is on disk; a million rows take a while. */
  PORTAL_DOWNLOAD_TIMEOUT_MS: z.coerce.number().int().min(100).default(300_000),
}).superRefine(requirePushAuth);
export type Env = z.infer<typeof Env>;

export function readEnv(env: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, env);
}
