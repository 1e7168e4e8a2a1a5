import { busFromEnv, pushVerifierFromEnv, schedulerVerifierFromEnv } from "@crm-sync/bus";
import { openBlobStore } from "@crm-sync/blob";
import { sessionTimeoutsOf } from "@crm-sync/config";
import { migrate, openDatabase } from "@crm-sync/db";
import { runService } from "@crm-sync/server";
import { createTrigger } from "./app.ts";
import { apiTokensOf, readEnv } from "./env.ts";

await runService({
  name: "trigger",
  env: readEnv(),
  build: async (env, logger) => {
    const db = await openDatabase(env.DATABASE_URL, { logger, timeouts: sessionTimeoutsOf(env) });
    if (env.MIGRATE_ON_START) await migrate(db, { logger });
    const bus = busFromEnv(env, logger);
    const push = env.PUBSUB_MODE === "push" ? { verifier: pushVerifierFromEnv(env) } : undefined;
    const trigger = createTrigger({
      db,
      bus,
      logger,
      auth: {
        apiTokens: apiTokensOf(env),
        ...(env.API_OIDC_AUDIENCE === undefined ? {} : { oidc: { audience: env.API_OIDC_AUDIENCE, serviceAccounts: env.API_OIDC_SERVICE_ACCOUNTS } }),
      },
      ...(push === undefined ? {} : { push }),
      scheduler: { verifier: schedulerVerifierFromEnv(env) },
      ...(env.BLOB_URL === undefined ? {} : { blobs: openBlobStore(env.BLOB_URL, { apiEndpoint: env.GCS_API_ENDPOINT, projectId: env.GOOGLE_CLOUD_PROJECT }) }),
      stageDeadlines: env.STAGE_DEADLINES,
      staleAfterMs: env.STALE_AFTER,
    });
    if (env.PUBSUB_MODE === "pull") await trigger.subscribe();
    // Off in the cloud (Cloud Run runs no timers between requests): Cloud Scheduler calls the sweep route.
    if (env.SWEEP_INTERVAL !== null) trigger.startSweeper(env.SWEEP_INTERVAL);
    return { app: trigger.app, stop: [() => db.close(), () => bus.close(), () => trigger.close()] };
  },
});
