import express from "express";
import { createLogger, type Logger } from "@crm-sync/logging";
import type { PortalOptions } from "./portal-config.ts";
import { createPortalState, type PortalState } from "./portal-state.ts";
import { readConfigHandler, updateConfigHandler } from "./handlers/admin-config.ts";
import { customerExportHandler } from "./handlers/customer-export.ts";
import { customerSummaryHandler } from "./handlers/customer-summary.ts";
import { loginHandler, logoutHandler } from "./handlers/login.ts";
import { maintenanceGate } from "./handlers/maintenance.ts";
import { sessionHandler } from "./handlers/session.ts";
import { requireSession } from "./session-cookie.ts";
import { spaHandler } from "./handlers/spa.ts";

export interface FakePortalDeps {
  /** Shared with whoever needs to change the portal at runtime; created from the options when absent. */
  state?: PortalState;
  logger?: Logger;
}

export function createFakePortal(options: PortalOptions, deps: FakePortalDeps = {}): express.Express {
  const state = deps.state ?? createPortalState(options);
  const logger = deps.logger ?? createLogger({ service: "fake-qashier", level: "silent" });
  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "16kb" }));

  // Registered before the maintenance gate: a test must be able to end maintenance.
  app.get("/__admin/config", readConfigHandler(state));
  app.post("/__admin/config", updateConfigHandler(state));

  app.use(maintenanceGate(state));
  app.get("/", spaHandler());
  app.get("/api/session", sessionHandler(state));
  app.post("/api/login", loginHandler(state, logger));
  app.post("/api/logout", logoutHandler(state));
  app.get("/api/customers/summary", requireSession(state), customerSummaryHandler(state));
  app.get("/api/customers/export", requireSession(state), customerExportHandler(state, logger));
  return app;
}
