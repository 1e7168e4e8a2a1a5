import { ensureBucket } from "@crm-sync/blob";
import { createPubSubClient, provisionTopology, type SubscriptionSpec } from "@crm-sync/bus";
import type { Logger } from "@crm-sync/logging";
import { pushSubscriptionSpecs } from "../model/topology.ts";
import type { ProvisionEnv } from "./env.ts";

export interface ProvisionResult {
  subscriptions: SubscriptionSpec[];
  bucket?: { name: string; outcome: "created" | "existed" };
}

/**
 * Topics, the dead-letter topic and one push subscription per service and topic on the emulator
 * (no OIDC: the emulator signs nothing, so services run with PUBSUB_VERIFY_OIDC=false), then the
 * exports bucket on the GCS test server.
 */
export async function provisionLocal(env: ProvisionEnv, logger: Logger): Promise<ProvisionResult> {
  const subscriptions = pushSubscriptionSpecs({ serviceUrls: env.PUSH_TARGETS, maxDeliveryAttempts: env.MAX_DELIVERY_ATTEMPTS });
  const pubsub = createPubSubClient({ projectId: env.GOOGLE_CLOUD_PROJECT, emulatorHost: env.PUBSUB_EMULATOR_HOST });
  try {
    await provisionTopology(pubsub, { subscriptions });
  } finally {
    await pubsub.close();
  }
  for (const spec of subscriptions) logger.info({ subscription: spec.name, pushEndpoint: spec.pushEndpoint }, "subscription ready");

  const result: ProvisionResult = { subscriptions };
  if (env.BLOB_URL?.startsWith("gs://") && env.GCS_API_ENDPOINT !== undefined) {
    const name = new URL(env.BLOB_URL).hostname;
    const outcome = await ensureBucket({ apiEndpoint: env.GCS_API_ENDPOINT, projectId: env.GOOGLE_CLOUD_PROJECT, bucket: name });
    logger.info({ bucket: name, outcome }, "bucket ready");
    result.bucket = { name, outcome };
  }
  return result;
}
