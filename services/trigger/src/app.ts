import express, { type Express } from "express";
import type { Logger } from "@crm-sync/logging";
import { healthRouter } from "@crm-sync/server";

export interface AppDeps {
  logger: Logger;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(healthRouter("trigger"));
  deps.logger.debug("app built");
  return app;
}
