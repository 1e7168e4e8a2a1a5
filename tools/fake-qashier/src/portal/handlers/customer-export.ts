import { setTimeout as delay } from "node:timers/promises";
import { pipeline } from "node:stream/promises";
import type { RequestHandler } from "express";
import type { Logger } from "@crm-sync/logging";
import { customerCsvStream, type ExportFlaw } from "../../csv/customer-csv.ts";
import type { PortalState } from "../portal-state.ts";
import type { Variant } from "../variants.ts";

export const EXPORT_FILE_NAME = "Customer Management.csv";

const FLAWS: Partial<Record<Variant, ExportFlaw>> = { truncated: "truncated", "header-drift": "header-drift" };

/** `GET /api/customers/export`: the CSV, streamed as an attachment (flat memory for a million rows). */
export function customerExportHandler(state: PortalState, logger: Logger): RequestHandler {
  return async (req, res) => {
    const { variant, customers, exportDelayMs } = state.config;
    if (variant === "slow") await delay(exportDelayMs);
    if (variant === "server-error") {
      res.status(500).type("text/plain").send("Internal Server Error");
      return;
    }
    const flaw = FLAWS[variant];
    const count = variant === "empty" ? 0 : customers.count;
    res.attachment(EXPORT_FILE_NAME).type("text/csv; charset=utf-8").set("Cache-Control", "no-store");
    const started = Date.now();
    try {
      await pipeline(customerCsvStream({ seed: customers.seed, count, ...(flaw === undefined ? {} : { flaw }) }), res);
      logger.info({ rows: count, variant, durationMs: Date.now() - started }, "export served");
    } catch (error) {
      // A browser that goes away mid-download is the client's business, not a server fault.
      if (req.destroyed || res.destroyed) logger.warn({ err: error }, "export aborted by the client");
      else throw error;
    }
  };
}
