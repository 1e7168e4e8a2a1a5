import { setTimeout as delay } from "node:timers/promises";
import type { RequestHandler } from "express";
import { generateCustomers } from "../../customers/generate-customers.ts";
import type { PortalState } from "../portal-state.ts";

const PREVIEW_ROWS = 10;

/** `GET /api/customers/summary`: the total the page shows and the first rows of its table. */
export function customerSummaryHandler(state: PortalState): RequestHandler {
  return async (_req, res) => {
    const { variant, customers, exportDelayMs } = state.config;
    if (variant === "slow") await delay(exportDelayMs);
    const total = variant === "empty" ? 0 : customers.count;
    const preview = [...generateCustomers({ seed: customers.seed, count: Math.min(total, PREVIEW_ROWS) })].map((c) => ({
      customer: c.customer,
      contactNumber: c.contactNumber,
      dateJoined: c.dateJoined,
    }));
    res.set("Cache-Control", "no-store").json({ total, preview });
  };
}
