import type { CreateSubscriptionOptions, PubSub } from "@google-cloud/pubsub";
import { ALL_TOPICS, DEAD_LETTER_TOPIC, subscriptionName } from "@crm-sync/contracts";
import type { SubscriptionSpec } from "./service-subscriptions.ts";

export interface TopologySpec {
  subscriptions: readonly SubscriptionSpec[];
}

/** The notifier's pull subscription on the dead-letter topic; always created. */
export const DEAD_LETTER_SUBSCRIPTION = subscriptionName("notifier", DEAD_LETTER_TOPIC);

const ALREADY_EXISTS = 6;

function isAlreadyExists(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === ALREADY_EXISTS;
}

async function ignoreExisting(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
}

/** Dead-letter policy, retry backoff and push config for one subscription. */
export function subscriptionOptions(pubsub: PubSub, spec: SubscriptionSpec): CreateSubscriptionOptions {
  const options: CreateSubscriptionOptions = { ackDeadlineSeconds: spec.ackDeadlineSeconds ?? 60 };
  // A dead-letter subscription that dead-letters into itself would loop.
  if (spec.topic !== DEAD_LETTER_TOPIC) {
    options.deadLetterPolicy = {
      deadLetterTopic: pubsub.topic(DEAD_LETTER_TOPIC).name,
      // Pub/Sub refuses fewer than 5 delivery attempts.
      maxDeliveryAttempts: Math.max(5, spec.maxDeliveryAttempts ?? 5),
    };
  }
  options.retryPolicy = {
    minimumBackoff: { seconds: spec.minBackoffSeconds ?? 10 },
    maximumBackoff: { seconds: spec.maxBackoffSeconds ?? 600 },
  };
  if (spec.pushEndpoint !== undefined) {
    options.pushConfig = { pushEndpoint: spec.pushEndpoint };
    if (spec.pushAuth !== undefined) {
      options.pushConfig.oidcToken = {
        serviceAccountEmail: spec.pushAuth.serviceAccountEmail,
        audience: spec.pushAuth.audience ?? spec.pushEndpoint,
      };
    }
  }
  if (spec.filter !== undefined) options.filter = spec.filter;
  return options;
}

/**
 * Creates every topic, the dead-letter topic and the listed subscriptions. Safe to run again:
 * what exists is left as it is (Pub/Sub cannot change a subscription's filter after creation;
 * delete the subscription to change its settings).
 */
export async function provisionTopology(pubsub: PubSub, spec: TopologySpec): Promise<void> {
  for (const topic of [...ALL_TOPICS, DEAD_LETTER_TOPIC]) {
    await ignoreExisting(() => pubsub.createTopic(topic));
  }
  const subscriptions = [...spec.subscriptions];
  if (!subscriptions.some((s) => s.name === DEAD_LETTER_SUBSCRIPTION)) {
    subscriptions.push({ name: DEAD_LETTER_SUBSCRIPTION, topic: DEAD_LETTER_TOPIC });
  }
  for (const subscription of subscriptions) {
    await ignoreExisting(() => pubsub.createSubscription(subscription.topic, subscription.name, subscriptionOptions(pubsub, subscription)));
  }
}
