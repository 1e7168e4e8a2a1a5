import type { RequestHandler } from "express";
import { MAINTENANCE_PAGE } from "../maintenance-page.ts";
import type { PortalState } from "../portal-state.ts";

/** In the `maintenance` variant every page and API answers 503 with the maintenance page. */
export function maintenanceGate(state: PortalState): RequestHandler {
  return (_req, res, next) => {
    if (state.config.variant !== "maintenance") return next();
    res.status(503).set("Retry-After", "3600").type("html").send(MAINTENANCE_PAGE);
  };
}
