import { z } from "zod";
import { SyncRequestError } from "./errors.ts";

const optionalText = z.string().min(1).optional();

/**
 * What the package reads from the Next.js app's environment (Vercel → Project → Settings →
 * Environment Variables). Every bad or missing variable is listed at once.
 */
export const VercelSyncEnv = z
  .object({
    /** `pubsub` publishes `sync-requested` (default); `http` calls the trigger API instead. */
    CRM_SYNC_TRANSPORT: z.enum(["pubsub", "http"]).default("pubsub"),
    GCP_PROJECT_ID: optionalText,
    PUBSUB_EMULATOR_HOST: optionalText,
    GCP_PROJECT_NUMBER: z.string().regex(/^\d+$/, "the project number is digits").optional(),
    GCP_WORKLOAD_IDENTITY_POOL_ID: optionalText,
    GCP_WORKLOAD_IDENTITY_POOL_PROVIDER_ID: optionalText,
    GCP_SERVICE_ACCOUNT_EMAIL: z.email().optional(),
    GCP_SERVICE_ACCOUNT_KEY: optionalText,
    VERCEL_OIDC_TOKEN: optionalText,
    CRM_SYNC_API_URL: z.url().optional(),
    CRM_SYNC_API_TOKEN: optionalText,
    // Optional here and required below, so that their absence is listed with every other problem.
    NEXT_PUBLIC_SUPABASE_URL: z.url().optional(),
    NEXT_PUBLIC_SUPABASE_ANON_KEY: optionalText,
  })
  .superRefine((env, ctx) => {
    const need = (names: (keyof typeof env)[], why: string) => {
      for (const name of names) if (env[name] === undefined) ctx.addIssue({ code: "custom", path: [name], message: `required ${why}` });
    };
    need(["NEXT_PUBLIC_SUPABASE_URL", "NEXT_PUBLIC_SUPABASE_ANON_KEY"], "for the session check and status");
    if (env.CRM_SYNC_TRANSPORT === "http") return need(["CRM_SYNC_API_URL", "CRM_SYNC_API_TOKEN"], "when CRM_SYNC_TRANSPORT=http");
    need(["GCP_PROJECT_ID"], "to publish to Pub/Sub");
    if (env.PUBSUB_EMULATOR_HOST !== undefined || env.GCP_SERVICE_ACCOUNT_KEY !== undefined) return;
    need(
      ["GCP_PROJECT_NUMBER", "GCP_WORKLOAD_IDENTITY_POOL_ID", "GCP_WORKLOAD_IDENTITY_POOL_PROVIDER_ID", "GCP_SERVICE_ACCOUNT_EMAIL"],
      "for Workload Identity Federation (or set GCP_SERVICE_ACCOUNT_KEY)",
    );
  });
/** After parsing, the Supabase settings are known to be present. */
export type VercelSyncEnv = z.output<typeof VercelSyncEnv> & { NEXT_PUBLIC_SUPABASE_URL: string; NEXT_PUBLIC_SUPABASE_ANON_KEY: string };

/** Vercel sets variables it has no value for to ""; those count as unset. */
export function parseVercelSyncEnv(env: Record<string, string | undefined>): VercelSyncEnv {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = VercelSyncEnv.safeParse(present);
  if (parsed.success) return parsed.data as VercelSyncEnv;
  // Names and reasons only: a value may be a key.
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
  throw new SyncRequestError("NOT_CONFIGURED", `crm-sync is not configured: ${problems}`);
}
