export type {
  HandlerOutcome,
  Delivery,
  EventHandler,
  RawMessage,
  RawHandler,
  SubscribeOptions,
  Subscription,
  EventBus,
} from "./types.ts";
export { InMemoryBus } from "./in-memory/in-memory-bus.ts";
export type { InMemoryBusOptions } from "./in-memory/in-memory-bus.ts";
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
export { pushHandler, pushRawHandler } from "./push/push-handler.ts";
export type { PushHandlerOptions, RawPushHandlerOptions } from "./push/push-handler.ts";
export { createOidcVerifier } from "./push/oidc-verifier.ts";
export type { OidcVerifier, OidcVerifierOptions, OidcCheck } from "./push/oidc-verifier.ts";
export { PushEnvelope, decodePushEnvelope } from "./push/push-envelope.ts";
export type { DecodedPush } from "./push/push-envelope.ts";
export { busFromEnv, pushVerifierFromEnv, schedulerVerifierFromEnv } from "./from-env.ts";
export { schedulerRoute } from "./scheduler/scheduler-route.ts";
export type { SchedulerRouteOptions } from "./scheduler/scheduler-route.ts";
