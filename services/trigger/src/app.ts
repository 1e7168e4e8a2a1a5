import express, { type Express } from "express";
import { TOPICS, subscriptionName } from "@crm-sync/contracts";
import { pushHandler, type EventBus, type OidcVerifier, type Subscription } from "@crm-sync/bus/local";
import type { BlobStore } from "@crm-sync/blob/local";
import type { Database } from "@crm-sync/db";
import type { Logger } from "@crm-sync/logging";
import { healthRouter } from "@crm-sync/server";
import { DEFAULT_STAGE_DEADLINES, type StageDeadlines } from "./domain/stage-timeout.ts";
import { createTokenCheck } from "./auth/bearer-tokens.ts";
import { createOidcVerifier, type OidcVerifierOptions } from "./auth/oidc-verifier.ts";
import { requireCaller } from "./auth/require-caller.ts";
import { requireRole } from "./auth/require-role.ts";
import type { ApiToken } from "./auth/roles.ts";
import { createRunStore, type RunStore } from "./store/runs-store.ts";
import { RunChanges } from "./live/run-changes.ts";
import { projectEvent } from "./handlers/project-event.ts";
import { requestSync } from "./handlers/request-sync.ts";
import { sweepStageTimeouts } from "./handlers/sweep-stage-timeouts.ts";
import { sweepRoute } from "./handlers/sweep-route.ts";
import { startSync } from "./handlers/start-sync.ts";
import { getRun, listRuns } from "./handlers/read-runs.ts";
import { runEvents } from "./handlers/run-events.ts";
import { getFreshness } from "./handlers/freshness.ts";
import { approveRun } from "./handlers/approve-run.ts";
import { dashboardRouter } from "./handlers/dashboard.ts";
import { apiErrorHandler, sendError } from "./handlers/api-errors.ts";
import { replayExport } from "./handlers/replay-export.ts";
import { discardRun } from "./handlers/discard-run.ts";
import { whoAmI } from "./handlers/me.ts";
import { listRejects, listRemovals, rejectsCsv } from "./handlers/run-review.ts";
import { runScreenshot } from "./handlers/run-evidence.ts";
import { runHistory, runTrend } from "./handlers/run-history.ts";
import { customerHistory, searchCustomers } from "./handlers/customers.ts";
import { createReviewStore } from "./store/review-store.ts";
import { createHistoryStore } from "./store/history-store.ts";
import { createCustomersStore } from "./store/customers-store.ts";

export type { ApiToken, Role, ServiceAccountGrant } from "./auth/roles.ts";

/** The topics the ledger projects; it also decides every `sync-requested` (open a run or join the active one). */
export const LEDGER_TOPICS = [TOPICS.syncProgress, TOPICS.csvReady, TOPICS.syncCompleted, TOPICS.syncFailed] as const;

export interface TriggerDeps {
  db: Database;
  bus: EventBus;
  logger: Logger;
  auth: {
    /** Static API tokens, each with a name and a role (several per role, for rotation). */
    apiTokens: readonly ApiToken[];
    /** Accept Google ID tokens for this audience from these service accounts, each with a role. */
    oidc?: OidcVerifierOptions;
  };
  /** Mounts `POST /pubsub/<topic>` for Pub/Sub push delivery, checked by this verifier. Leave out for pull mode. */
  push?: { verifier: OidcVerifier };
  /** Checks Cloud Scheduler's ID token on `POST /v1/sweep-stage-timeouts`; null or absent turns the endpoint off. */
  scheduler?: { verifier: OidcVerifier | null };
  clock?: () => Date;
  stageDeadlines?: StageDeadlines;
  /** Data older than this is stale (default 26 h: a daily run plus slack). */
  staleAfterMs?: number;
  /** Where the scraper stores exports; enables `POST /v1/syncs/replay`. */
  blobs?: BlobStore;
  /** How often a live stream re-reads its run (catches other instances' writes). Default 2 s. */
  ssePollMs?: number;
}

export interface Trigger {
  app: Express;
  store: RunStore;
  changes: RunChanges;
  /** Pull mode (embedded, in-memory bus, local): subscribe the ledger to sync-requested and the topics it projects. */
  subscribe(): Promise<void>;
  /** Applies stage timeouts once; returns how many runs it failed. */
  sweep(): Promise<number>;
  /** Sweeps every `intervalMs` until close() (embedded mode, the local stack; Cloud Scheduler calls the route in the cloud). */
  startSweeper(intervalMs: number): void;
  /** Stops subscriptions and the sweeper (the database and bus belong to the caller). */
  close(): Promise<void>;
}

export const SERVICE_NAME = "trigger";

export function createTrigger(deps: TriggerDeps): Trigger {
  const clock = deps.clock ?? (() => new Date());
  const store = createRunStore(deps.db);
  const changes = new RunChanges();
  const logger = deps.logger;
  const projection = { store, changes, logger };
  const write = { store, bus: deps.bus, changes, logger, clock };
  const subscriptions: Subscription[] = [];
  let sweeper: NodeJS.Timeout | undefined;

  const sweep = () =>
    sweepStageTimeouts({ store, changes, logger, clock, deadlines: deps.stageDeadlines ?? DEFAULT_STAGE_DEADLINES });

  const app = express();
  app.disable("x-powered-by");
  app.use(healthRouter(SERVICE_NAME, { database: async () => void (await deps.db.sql`select 1`) }));
  app.use(dashboardRouter());

  if (deps.push !== undefined) {
    const verifier = deps.push.verifier;
    app.use(pushHandler({ topic: TOPICS.syncRequested, handler: requestSync(write), logger, verifier }));
    for (const topic of LEDGER_TOPICS) app.use(pushHandler({ topic, handler: projectEvent(projection), logger, verifier }));
  }

  app.use(sweepRoute({ sweep, verifier: deps.scheduler?.verifier ?? null, logger }));

  const api = express.Router();
  api.use(
    requireCaller(
      {
        tokenMatches: createTokenCheck(deps.auth.apiTokens),
        ...(deps.auth.oidc === undefined ? {} : { verifyIdToken: createOidcVerifier(deps.auth.oidc) }),
      },
      logger,
    ),
  );
  api.use(express.json({ limit: "4kb" }));
  // Every route names the least role it needs (see auth/roles.ts); replay also checks the export's age.
  const viewer = requireRole("viewer", "Reading status", logger);
  const operator = requireRole("operator", "Starting a sync", logger);
  api.post("/syncs", operator, startSync(write));
  api.post(
    "/syncs/replay",
    requireRole("operator", "Replaying an export", logger),
    deps.blobs === undefined
      ? (_req, res) => sendError(res, 501, "REPLAY_UNAVAILABLE", "Replay needs the export store: set BLOB_URL on the trigger.")
      : replayExport({ ...write, blobs: deps.blobs }),
  );
  api.get("/syncs", viewer, listRuns(store));
  api.get("/syncs/:runId", viewer, getRun(store));
  api.get("/syncs/:runId/events", viewer, runEvents({ store, changes, logger, pollMs: deps.ssePollMs ?? 2000 }));
  api.post("/syncs/:runId/approve", requireRole("approver", "Approving a held mass delete", logger), approveRun(write));
  api.post("/syncs/:runId/discard", requireRole("approver", "Discarding a held mass delete", logger), discardRun(write));
  // The run page (issue 28). Rejected rows carry no values; would-be removals show names to approvers only (see run-review.ts).
  const review = { store, review: createReviewStore(deps.db) };
  api.get("/syncs/:runId/rejects", viewer, listRejects(review));
  api.get("/syncs/:runId/rejects.csv", viewer, rejectsCsv(review));
  api.get("/syncs/:runId/removals", viewer, listRemovals(review));
  // A screenshot of the portal may show customers: like the customer lookup, not for a status-only viewer.
  api.get("/syncs/:runId/screenshots/:index", requireRole("operator", "Seeing failure screenshots", logger), runScreenshot({ store, blobs: deps.blobs }));
  const history = createHistoryStore(deps.db);
  api.get("/history", viewer, runHistory(history));
  api.get("/trend", viewer, runTrend(history));
  api.get("/me", viewer, whoAmI());
  // Names and phone numbers are personal data: office staff who fix customers (operator and up), not a status-only viewer.
  const customers = createCustomersStore(deps.db);
  const staff = requireRole("operator", "Looking up customers", logger);
  api.post("/customers/search", staff, searchCustomers(customers));
  api.get("/customers/:customerId", staff, customerHistory(customers));
  api.get("/freshness", viewer, getFreshness({ store, clock, staleAfterMs: deps.staleAfterMs ?? 26 * 3_600_000 }));
  app.use("/v1", api);
  app.use(apiErrorHandler(logger));

  return {
    app,
    store,
    changes,
    async subscribe() {
      const requests = TOPICS.syncRequested;
      subscriptions.push(await deps.bus.subscribe(requests, subscriptionName(SERVICE_NAME, requests), requestSync(write)));
      for (const topic of LEDGER_TOPICS) {
        subscriptions.push(await deps.bus.subscribe(topic, subscriptionName(SERVICE_NAME, topic), projectEvent(projection)));
      }
    },
    sweep,
    startSweeper(intervalMs) {
      sweeper = setInterval(() => {
        sweep().catch((error: unknown) => logger.error({ err: error }, "stage-timeout sweep failed"));
      }, intervalMs);
      sweeper.unref();
    },
    async close() {
      if (sweeper !== undefined) clearInterval(sweeper);
      await Promise.all(subscriptions.splice(0).map((subscription) => subscription.close()));
    },
  };
}
