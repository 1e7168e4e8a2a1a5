import express, { type Express } from "express";
import { TOPICS } from "@crm-sync/contracts";
import { pushHandler, type OidcVerifier } from "@crm-sync/bus/local";
import type { Database } from "@crm-sync/db";
import type { Logger } from "@crm-sync/logging";
import { healthRouter } from "@crm-sync/server";
import type { Loader } from "./loader.ts";

export interface AppDeps {
  logger: Logger;
  loader: Loader;
  db: Database;
  /**
   * Push mode: mounts `POST /pubsub/csv-ready`, guarded by the verifier of Pub/Sub's OIDC
   * token (`createOidcVerifier({ enabled: false })` only in local modes). A pull worker leaves
   * it out and serves health only.
   */
  push?: { verifier: OidcVerifier };
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(
    healthRouter("loader", {
      database: async () => {
        await deps.db.sql`select 1`;
      },
    }),
  );
  if (deps.push !== undefined) {
    app.use(pushHandler({ topic: TOPICS.csvReady, handler: deps.loader.handleCsvReady, logger: deps.logger, verifier: deps.push.verifier }));
  }
  return app;
}

// The package's public surface: the CLI and the embedded mode use the loader in-process.
export { createLoader, LOADER_SUBSCRIPTION } from "./loader.ts";
export type { Loader, LoaderDeps } from "./loader.ts";
export { loadExport } from "./load-export.ts";
export type { LoadDeps, LoadRequest, LoadResult, DiffSampleEntry } from "./load-export.ts";
export { DEFAULT_GUARD_LIMITS } from "./domain/guards.ts";
export type { GuardLimits } from "./domain/guards.ts";
export { normalizeThaiPhone } from "./domain/thai-phone.ts";
export type { ThaiPhone } from "./domain/thai-phone.ts";
export { parseCustomerRow } from "./domain/customer-row.ts";
export type { CustomerRow } from "./domain/customer-row.ts";
export { customerKey, maskKey } from "./domain/customer-key.ts";
export { DATABASE_SESSION_SETTINGS, LOADER_SESSION_TIMEOUTS } from "./database-settings.ts";
export { Env as LoaderEnv, readEnv as readLoaderEnv } from "./env.ts";
