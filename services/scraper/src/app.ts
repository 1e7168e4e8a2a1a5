import express, { type Express } from "express";
import { TOPICS } from "@crm-sync/contracts";
import { pushHandler, type OidcVerifier } from "@crm-sync/bus/local";
import type { Logger } from "@crm-sync/logging";
import { healthRouter } from "@crm-sync/server";
import type { Scraper } from "./scraper.ts";

export interface AppDeps {
  logger: Logger;
  scraper: Scraper;
  /**
   * Push mode: mounts `POST /pubsub/scrape-requested`, guarded by the verifier of Pub/Sub's
   * OIDC token (`createOidcVerifier({ enabled: false })` only in local modes). A pull worker
   * leaves it out and serves health only.
   */
  push?: { verifier: OidcVerifier };
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(healthRouter("scraper"));
  if (deps.push !== undefined) {
    app.use(pushHandler({ topic: TOPICS.scrapeRequested, handler: deps.scraper.handleScrapeRequested, logger: deps.logger, verifier: deps.push.verifier }));
  }
  return app;
}

// The package's public surface: the CLI and the embedded mode use the scraper in-process.
export { createScraper, SCRAPER_SUBSCRIPTION } from "./scraper.ts";
export type { Scraper, ScraperDeps } from "./scraper.ts";
export { QashierPortal } from "./portal/qashier-portal.ts";
export type { PortalDeadlines, QashierPortalOptions } from "./portal/qashier-portal.ts";
export { PortalFailure } from "./portal/portal-export.ts";
export type { CustomerExportSource, ExportRequest, PortalExport, LocalArtifact } from "./portal/portal-export.ts";
export { scrapeToFile } from "./scrape-to-file.ts";
export type { ScrapeToFileOptions, ScrapeResult } from "./scrape-to-file.ts";
export { verifyExport } from "./domain/verify-export.ts";
export type { VerifiedExport } from "./domain/verify-export.ts";
export { parsePortalTotal } from "./domain/portal-total.ts";
export { exportObjectName, artifactObjectName } from "./domain/object-names.ts";
export { Env as ScraperEnv, readEnv as readScraperEnv } from "./env.ts";
