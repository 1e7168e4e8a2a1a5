// The main entry: everything in local.ts (the in-memory bus, push and Scheduler routes) plus
// what needs Google Cloud's client libraries (Pub/Sub, topology, OIDC verification).
export * from "./local.ts";
export type { Backoff } from "./backoff.ts";
export { decodeMessage } from "./decode-message.ts";
export { PubSubBus } from "./pubsub/pubsub-bus.ts";
export type { PubSubBusOptions } from "./pubsub/pubsub-bus.ts";
export { createPubSubClient } from "./pubsub/pubsub-client.ts";
export type { PubSubClientOptions } from "./pubsub/pubsub-client.ts";
export { provisionTopology, subscriptionOptions, DEAD_LETTER_SUBSCRIPTION } from "./topology/provision-topology.ts";
export type { TopologySpec } from "./topology/provision-topology.ts";
export { SERVICE_SUBSCRIPTIONS, serviceSubscriptionSpecs, pushPath } from "./topology/service-subscriptions.ts";
export type { ServiceName, BusTopic, SubscriptionSpec, ServiceSubscriptionOptions } from "./topology/service-subscriptions.ts";
export { createOidcVerifier } from "./push/oidc-verifier.ts";
export type { OidcVerifierOptions } from "./push/oidc-verifier.ts";
export { PushEnvelope, decodePushEnvelope } from "./push/push-envelope.ts";
export type { DecodedPush } from "./push/push-envelope.ts";
export { busFromEnv, pushVerifierFromEnv, schedulerVerifierFromEnv } from "./from-env.ts";
