export { listen } from "./listen.ts";
export type { RunningServer } from "./listen.ts";
export { stopOnSignals } from "./shutdown.ts";
export type { ShutdownTask } from "./shutdown.ts";
export { healthRouter } from "./health.ts";
export type { HealthCheck } from "./health.ts";
export { runService } from "./run-service.ts";
export type { ServiceParts, RunServiceOptions } from "./run-service.ts";
