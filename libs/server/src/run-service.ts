import type { Express } from "express";
import { createLogger, type Logger } from "@crm-sync/logging";
import { listen, type RunningServer } from "./listen.ts";
import { stopOnSignals, type ShutdownTask } from "./shutdown.ts";

export interface ServiceParts {
  app: Express;
  /** Stopped after the HTTP server has closed, in reverse order. */
  stop?: ShutdownTask[];
}

export interface RunServiceOptions<E extends { PORT: number; LOG_LEVEL: string; GOOGLE_CLOUD_PROJECT: string }> {
  name: string;
  env: E;
  build: (env: E, logger: Logger) => Promise<ServiceParts> | ServiceParts;
  host?: string;
}

/** The common `index.ts` of every service: logger, app, listen, stop cleanly on SIGTERM. */
export async function runService<E extends { PORT: number; LOG_LEVEL: string; GOOGLE_CLOUD_PROJECT: string }>(
  options: RunServiceOptions<E>,
): Promise<RunningServer> {
  const logger = createLogger({
    service: options.name,
    level: options.env.LOG_LEVEL as "info",
    projectId: options.env.GOOGLE_CLOUD_PROJECT,
  });
  try {
    const parts = await options.build(options.env, logger);
    const running = await listen(parts.app, options.env.PORT, options.host ?? "0.0.0.0");
    stopOnSignals(logger, [...(parts.stop ?? []), () => running.close()]);
    logger.info({ port: running.port, url: running.url }, "listening");
    return running;
  } catch (error) {
    logger.fatal({ err: error }, "failed to start");
    process.exitCode = 1;
    throw error;
  }
}
