import { SERVICE_SUBSCRIPTIONS, serviceSubscriptionSpecs, type ServiceName, type SubscriptionSpec } from "@crm-sync/bus";
import { subscriptionName } from "@crm-sync/contracts";

/** The four services, in the order `SERVICE_SUBSCRIPTIONS` lists them (deploy order follows it). */
export const SERVICES = Object.keys(SERVICE_SUBSCRIPTIONS) as ServiceName[];

/**
 * One number for both sides: the subscriptions' dead-letter policy and the services'
 * MAX_DELIVERY_ATTEMPTS (a handler marks the run failed on the last attempt, so they must agree).
 */
export const MAX_DELIVERY_ATTEMPTS = 5;

/**
 * A push handler answers when its work is done, and Pub/Sub redelivers a push that has not been
 * answered within the subscription's ack deadline (at most 600 s). A scrape (browser export of up
 * to 5 minutes) and a load (a large file in one transaction) need the maximum; the default 60 s
 * would start a second delivery while the first still runs.
 */
export const ACK_DEADLINE_SECONDS: Readonly<Record<ServiceName, number>> = {
  scraper: 600,
  loader: 600,
  trigger: 60,
  notifier: 60,
};

/**
 * Subscriptions an earlier version created that must go: `scraper.sync-requested` let any
 * publish start a scrape beside the active run. The scraper now takes only the runs the
 * trigger's ledger opened (`scraper.scrape-requested`); the trigger decides every request.
 */
export const RETIRED_SUBSCRIPTIONS: readonly string[] = ["scraper.sync-requested"];

export interface PushTopologyOptions {
  /** Base URL of every service (no trailing slash needed). */
  serviceUrls: Readonly<Record<ServiceName, string>>;
  /** The account Pub/Sub signs push tokens as; unset on the emulator, which signs nothing. */
  pushServiceAccount?: string;
  /** OIDC audience per service; a service checks one audience, so all its subscriptions share it. */
  audiences?: Readonly<Record<ServiceName, string>>;
  maxDeliveryAttempts?: number;
}

/** The service that owns a subscription spec (`<service>.<topic>`). */
export function ownerOf(spec: Pick<SubscriptionSpec, "name" | "topic">): ServiceName {
  const owner = SERVICES.find((service) => subscriptionName(service, spec.topic) === spec.name);
  if (owner === undefined) throw new Error(`subscription ${spec.name} belongs to no service in SERVICE_SUBSCRIPTIONS`);
  return owner;
}

/**
 * Every subscription of the four services as a push subscription to `<service url>/pubsub/<topic>`,
 * with the deployment's ack deadlines and OIDC audiences. Local compose and the cloud script both
 * provision exactly this list.
 */
export function pushSubscriptionSpecs(options: PushTopologyOptions): SubscriptionSpec[] {
  const specs = serviceSubscriptionSpecs({
    serviceUrls: options.serviceUrls,
    maxDeliveryAttempts: options.maxDeliveryAttempts ?? MAX_DELIVERY_ATTEMPTS,
  });
  return specs.map((spec) => {
    const owner = ownerOf(spec);
    const withDeadline: SubscriptionSpec = { ...spec, ackDeadlineSeconds: ACK_DEADLINE_SECONDS[owner] };
    if (options.pushServiceAccount === undefined) return withDeadline;
    const audience = options.audiences?.[owner];
    return {
      ...withDeadline,
      pushAuth: { serviceAccountEmail: options.pushServiceAccount, ...(audience === undefined ? {} : { audience }) },
    };
  });
}
