import { z } from "zod";

/** Variables every service reads. Services extend this with their own. */
export const CommonEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  GOOGLE_CLOUD_PROJECT: z.string().min(6).default("crm-sync-local"),
  /** OTLP/HTTP collector (e.g. http://127.0.0.1:4318); spans are exported only when set. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** `google`: exports carry the service account's access token (Cloud Trace's OTLP endpoint, https://telemetry.googleapis.com). */
  OTLP_AUTH: z.enum(["none", "google"]).default("none"),
});
export type CommonEnv = z.infer<typeof CommonEnv>;

/** A boolean variable where "false", "0", "no" and "off" mean false. */
export const envFlag = (defaultValue: boolean) => z.stringbool().default(defaultValue);
