import type { Express } from "express";
import { createLogger, type Logger } from "@crm-sync/logging";
import { startTelemetry, type OtlpAuth } from "@crm-sync/telemetry";
import { listen, type RunningServer } from "./listen.ts";
import { stopOnSignals, type ShutdownTask } from "./shutdown.ts";

interface ServiceEnv {
  PORT: number;
  LOG_LEVEL: string;
  GOOGLE_CLOUD_PROJECT: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  OTLP_AUTH?: OtlpAuth | undefined;
}

export interface ServiceParts {
  app: Express;
  /** Stopped after the HTTP server has closed, in reverse order. */
  stop?: ShutdownTask[];
}

export interface RunServiceOptions<E extends ServiceEnv> {
  name: string;
  env: E;
  build: (env: E, logger: Logger) => Promise<ServiceParts> | ServiceParts;
  host?: string;
}

/** The common `index.ts` of every service: logger, app, listen, stop cleanly on SIGTERM. */
export async function runService<E extends ServiceEnv>(
  options: RunServiceOptions<E>,
): Promise<RunningServer> {
  const logger = createLogger({
    service: options.name,
    level: options.env.LOG_LEVEL as "info",
    projectId: options.env.GOOGLE_CLOUD_PROJECT,
  });
  try {
    // Before anything else runs, so every span of the service is recorded (and exported last on stop).
    const endpoint = options.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    const stopTelemetry = await startTelemetry({
      serviceName: options.name,
      projectId: options.env.GOOGLE_CLOUD_PROJECT,
      otlpAuth: options.env.OTLP_AUTH ?? "none",
      ...(endpoint === undefined ? {} : { otlpEndpoint: endpoint }),
    });
    const parts = await options.build(options.env, logger);
    const running = await listen(parts.app, options.env.PORT, options.host ?? "0.0.0.0");
    stopOnSignals(logger, [stopTelemetry, ...(parts.stop ?? []), () => running.close()]);
    logger.info({ port: running.port, url: running.url }, "listening");
    return running;
  } catch (error) {
    logger.fatal({ err: error }, "failed to start");
    process.exitCode = 1;
    throw error;
  }
}
