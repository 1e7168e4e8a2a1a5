import { z } from "zod";
import { BlobEnv, parseEnv } from "@crm-sync/config";
import type { ServiceName } from "@crm-sync/bus";
import { SERVICES } from "../model/topology.ts";

/** `trigger=http://trigger:8080,scraper=http://scraper:8080,…`: where each service takes pushes. */
const PushTargets = z
  .string()
  .transform((text, ctx) => {
    const targets: Partial<Record<ServiceName, string>> = {};
    for (const pair of text.split(",").map((p) => p.trim()).filter((p) => p !== "")) {
      const [name = "", url = ""] = pair.split("=", 2);
      if (!(SERVICES as string[]).includes(name) || !URL.canParse(url)) {
        ctx.addIssue({ code: "custom", message: `"${pair}" is not <service>=<url> for one of ${SERVICES.join(", ")}` });
        return z.NEVER;
      }
      targets[name as ServiceName] = url;
    }
    const missing = SERVICES.filter((service) => targets[service] === undefined);
    if (missing.length > 0) {
      ctx.addIssue({ code: "custom", message: `no push target for ${missing.join(", ")}` });
      return z.NEVER;
    }
    return targets as Record<ServiceName, string>;
  });

/** The local stack's provisioning job; it only ever talks to emulators. */
export const ProvisionEnv = z
  .object({
    /** Required: without it the Pub/Sub client would reach the real project. */
    PUBSUB_EMULATOR_HOST: z.string().min(1),
    GOOGLE_CLOUD_PROJECT: z.string().min(6).default("crm-sync-local"),
    PUSH_TARGETS: PushTargets,
    MAX_DELIVERY_ATTEMPTS: z.coerce.number().int().min(5).max(100).default(5),
    BLOB_URL: BlobEnv.shape.BLOB_URL.optional(),
    GCS_API_ENDPOINT: BlobEnv.shape.GCS_API_ENDPOINT,
    LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  })
  .refine((env) => !env.BLOB_URL?.startsWith("gs://") || env.GCS_API_ENDPOINT !== undefined, {
    message: "a gs:// BLOB_URL needs GCS_API_ENDPOINT (this job never creates a real bucket)",
    path: ["GCS_API_ENDPOINT"],
  });
export type ProvisionEnv = z.infer<typeof ProvisionEnv>;

export function readProvisionEnv(env: Record<string, string | undefined> = process.env): ProvisionEnv {
  return parseEnv(ProvisionEnv, env);
}
