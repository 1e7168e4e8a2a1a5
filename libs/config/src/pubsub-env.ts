import { z } from "zod";
import { envFlag } from "./common-env.ts";

/** Pub/Sub variables shared by every service, so one name means one thing across the stack. */
export const PubSubEnv = z.object({
  /** `push`: Pub/Sub calls POST /pubsub/<topic> (Cloud Run). `pull`: a streaming-pull worker (local, emulator). */
  PUBSUB_MODE: z.enum(["push", "pull"]).default("push"),
  /** `host:port` of the emulator; unset in the cloud. */
  PUBSUB_EMULATOR_HOST: z.string().min(1).optional(),
  /** Push requests carry a Google-signed token; off only by explicit configuration (embedded, emulator). */
  PUBSUB_VERIFY_OIDC: envFlag(true),
  /** The audience set on the push subscriptions (usually the service URL). */
  PUBSUB_PUSH_AUDIENCE: z.string().min(1).optional(),
  /** The service account Pub/Sub signs push tokens as. */
  PUBSUB_PUSH_SERVICE_ACCOUNT: z.email().optional(),
  /** After this many failed deliveries a message is dead-lettered (and the run marked failed). */
  MAX_DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
});
export type PubSubEnv = z.infer<typeof PubSubEnv>;

/**
 * For `.superRefine`: verification may be off only against the emulator (it signs nothing), so a
 * cloud deployment given `PUBSUB_VERIFY_OIDC=false` by mistake refuses to start instead of taking
 * unsigned pushes from anyone. Push mode with verification on needs the audience and the account.
 * (Embedded mode uses the in-memory bus and never reads these variables.)
 */
export function requirePushAuth(env: PubSubEnv, ctx: z.RefinementCtx): void {
  if (!env.PUBSUB_VERIFY_OIDC && env.PUBSUB_EMULATOR_HOST === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["PUBSUB_VERIFY_OIDC"],
      message: "may be false only with PUBSUB_EMULATOR_HOST set (the emulator signs nothing); everywhere else push requests are verified",
    });
  }
  if (env.PUBSUB_MODE !== "push" || !env.PUBSUB_VERIFY_OIDC) return;
  for (const key of ["PUBSUB_PUSH_AUDIENCE", "PUBSUB_PUSH_SERVICE_ACCOUNT"] as const) {
    if (env[key] === undefined) {
      ctx.addIssue({ code: "custom", path: [key], message: "required when PUBSUB_VERIFY_OIDC is on (PUBSUB_VERIFY_OIDC=false only with the emulator)" });
    }
  }
}
