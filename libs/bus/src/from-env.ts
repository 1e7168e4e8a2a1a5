import type { PubSubEnv, SchedulerEnv } from "@crm-sync/config";
import type { Logger } from "@crm-sync/logging";
import { PubSubBus } from "./pubsub/pubsub-bus.ts";
import { createOidcVerifier, type OidcVerifier } from "./push/oidc-verifier.ts";

type BusEnv = Pick<PubSubEnv, "PUBSUB_EMULATOR_HOST"> & { GOOGLE_CLOUD_PROJECT: string };

/** The Pub/Sub bus a service uses, on the emulator when PUBSUB_EMULATOR_HOST is set. */
export function busFromEnv(env: BusEnv, logger: Logger): PubSubBus {
  const emulator = env.PUBSUB_EMULATOR_HOST === undefined ? {} : { emulatorHost: env.PUBSUB_EMULATOR_HOST };
  return new PubSubBus({ projectId: env.GOOGLE_CLOUD_PROJECT, logger, ...emulator });
}

/** The push-token check the env asks for; the env schema has already required its settings. */
export function pushVerifierFromEnv(env: Pick<PubSubEnv, "PUBSUB_VERIFY_OIDC" | "PUBSUB_PUSH_AUDIENCE" | "PUBSUB_PUSH_SERVICE_ACCOUNT">): OidcVerifier {
  if (!env.PUBSUB_VERIFY_OIDC) return createOidcVerifier({ enabled: false });
  return createOidcVerifier({
    enabled: true,
    ...(env.PUBSUB_PUSH_AUDIENCE === undefined ? {} : { audience: env.PUBSUB_PUSH_AUDIENCE }),
    ...(env.PUBSUB_PUSH_SERVICE_ACCOUNT === undefined ? {} : { serviceAccountEmail: env.PUBSUB_PUSH_SERVICE_ACCOUNT }),
  });
}

/**
 * The check on Cloud Scheduler's calls, or null when the env configures none (the endpoints are
 * then off). The same Google ID-token verifier as for push, with the scheduler's audience and account.
 */
export function schedulerVerifierFromEnv(env: SchedulerEnv): OidcVerifier | null {
  if (env.SCHEDULER_AUDIENCE === undefined || env.SCHEDULER_SERVICE_ACCOUNT === undefined) return null;
  return createOidcVerifier({ enabled: true, audience: env.SCHEDULER_AUDIENCE, serviceAccountEmail: env.SCHEDULER_SERVICE_ACCOUNT });
}
