import { z } from "zod";
import { parseDuration } from "./duration.ts";

/**
 * Who may call a service's Cloud Scheduler endpoints (the trigger's stage-timeout sweep, the
 * notifier's staleness check): Google ID tokens minted for this audience and signed for this
 * service account (`--oidc-token-audience`, `--oidc-service-account-email` on the job). Both
 * unset turns the endpoints off (404): the local stack and embedded mode run in-process timers.
 */
export const SchedulerEnv = z.object({
  SCHEDULER_AUDIENCE: z.string().min(1).optional(),
  SCHEDULER_SERVICE_ACCOUNT: z.email().optional(),
});
export type SchedulerEnv = z.infer<typeof SchedulerEnv>;

/**
 * An in-process timer's interval: a duration such as `30s` or `15m`, or `off` (also `0`) where
 * nothing runs between requests (Cloud Run bills CPU only while serving; scale to zero stops
 * timers), so Cloud Scheduler calls the endpoint instead. Off is `null`.
 */
export const intervalOrOff = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      if (text === "off" || text === "0") return null;
      const ms = parseDuration(text);
      if (ms === undefined || ms <= 0) {
        ctx.addIssue({ code: "custom", message: "must be a duration such as 30s or 15m, or off (Cloud Scheduler calls the endpoint instead)" });
        return z.NEVER;
      }
      return ms;
    });

/**
 * For `.superRefine`: the audience and the account come together, and a timer switched off needs
 * them, or the job it stands for would never run (a stuck run never failed, stale data never reported).
 */
export function requireSchedulerAuth(intervalKey: string) {
  return (env: SchedulerEnv & Record<string, unknown>, ctx: z.RefinementCtx): void => {
    const configured = [env.SCHEDULER_AUDIENCE, env.SCHEDULER_SERVICE_ACCOUNT].filter((v) => v !== undefined).length;
    if (configured === 1) {
      const missing = env.SCHEDULER_AUDIENCE === undefined ? "SCHEDULER_AUDIENCE" : "SCHEDULER_SERVICE_ACCOUNT";
      ctx.addIssue({ code: "custom", path: [missing], message: "SCHEDULER_AUDIENCE and SCHEDULER_SERVICE_ACCOUNT are set together" });
    }
    if (env[intervalKey] === null && configured < 2) {
      ctx.addIssue({
        code: "custom",
        path: [intervalKey],
        message: "may be off only with SCHEDULER_AUDIENCE and SCHEDULER_SERVICE_ACCOUNT set (Cloud Scheduler then calls the endpoint)",
      });
    }
  };
}
