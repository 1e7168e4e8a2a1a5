// What runs without Google Cloud's client libraries: the in-memory bus and the HTTP routes a
// service mounts. `crm-sync start` runs every service on these; importing the package's main
// entry would also load the Pub/Sub client and google-auth-library (about 22 MB of memory that
// embedded mode never uses).
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
export { pushHandler, pushRawHandler } from "./push/push-handler.ts";
export type { PushHandlerOptions, RawPushHandlerOptions } from "./push/push-handler.ts";
export type { OidcVerifier, OidcCheck } from "./push/oidc-verifier.ts";
export { schedulerRoute } from "./scheduler/scheduler-route.ts";
export type { SchedulerRouteOptions } from "./scheduler/scheduler-route.ts";
