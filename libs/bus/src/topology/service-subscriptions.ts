import { DEAD_LETTER_TOPIC, subscriptionName, type Topic } from "@crm-sync/contracts";

export type ServiceName = "scraper" | "loader" | "trigger" | "notifier";
export type BusTopic = Topic | typeof DEAD_LETTER_TOPIC;

/** Which service consumes which topic: infra scripts and docker-compose are generated from this. */
export const SERVICE_SUBSCRIPTIONS: Readonly<Record<ServiceName, readonly BusTopic[]>> = {
  // Only runs the trigger's ledger opened: sync requests go to the trigger, which decides (single-flight).
  scraper: ["scrape-requested"],
  loader: ["csv-ready"],
  trigger: ["sync-requested", "sync-progress", "csv-ready", "sync-completed", "sync-failed"],
  notifier: ["sync-failed", "sync-completed", DEAD_LETTER_TOPIC],
};

export interface SubscriptionSpec {
  /** `<service>.<topic>` by convention. */
  name: string;
  topic: string;
  /** Push delivery to this URL (`<service url>/pubsub/<topic>`); pull when unset. */
  pushEndpoint?: string;
  /** OIDC token on push requests: the service account Pub/Sub signs as, and the audience. */
  pushAuth?: { serviceAccountEmail: string; audience?: string };
  /** Default 5; Pub/Sub allows 5-100. */
  maxDeliveryAttempts?: number;
  minBackoffSeconds?: number;
  maxBackoffSeconds?: number;
  ackDeadlineSeconds?: number;
  filter?: string;
}

export interface ServiceSubscriptionOptions {
  /** Base URL per service; a service with a URL gets push subscriptions, one without pulls. */
  serviceUrls?: Partial<Record<ServiceName, string>>;
  pushAuth?: SubscriptionSpec["pushAuth"];
  maxDeliveryAttempts?: number;
  minBackoffSeconds?: number;
  maxBackoffSeconds?: number;
}

/** The push path a service serves for a topic. */
export function pushPath(topic: string): string {
  return `/pubsub/${topic}`;
}

/** Every subscription of the four services, as provisioning specs. */
export function serviceSubscriptionSpecs(options: ServiceSubscriptionOptions = {}): SubscriptionSpec[] {
  const specs: SubscriptionSpec[] = [];
  for (const [service, topics] of Object.entries(SERVICE_SUBSCRIPTIONS) as Array<[ServiceName, readonly BusTopic[]]>) {
    const baseUrl = options.serviceUrls?.[service];
    for (const topic of topics) {
      const spec: SubscriptionSpec = { name: subscriptionName(service, topic), topic };
      if (baseUrl !== undefined) {
        spec.pushEndpoint = `${baseUrl.replace(/\/+$/, "")}${pushPath(topic)}`;
        if (options.pushAuth !== undefined) spec.pushAuth = options.pushAuth;
      }
      if (options.maxDeliveryAttempts !== undefined) spec.maxDeliveryAttempts = options.maxDeliveryAttempts;
      if (options.minBackoffSeconds !== undefined) spec.minBackoffSeconds = options.minBackoffSeconds;
      if (options.maxBackoffSeconds !== undefined) spec.maxBackoffSeconds = options.maxBackoffSeconds;
      specs.push(spec);
    }
  }
  return specs;
}
