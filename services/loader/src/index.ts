import { busFromEnv, pushVerifierFromEnv } from "@crm-sync/bus";
import { openBlobStore } from "@crm-sync/blob";
import { sessionTimeoutsOf } from "@crm-sync/config";
import { migrate, openDatabase } from "@crm-sync/db";
import { runService } from "@crm-sync/server";
import { createApp } from "./app.ts";
import { DATABASE_SESSION_SETTINGS } from "./database-settings.ts";
import { readEnv } from "./env.ts";
import { createLoader } from "./loader.ts";

await runService({
  name: "loader",
  env: readEnv(),
  build: async (env, logger) => {
    const db = await openDatabase(env.DATABASE_URL, {
      logger,
      timeouts: sessionTimeoutsOf(env),
      ...(env.DATABASE_URL.startsWith("pglite:") ? {} : { connection: DATABASE_SESSION_SETTINGS }),
    });
    if (env.MIGRATE_ON_START) await migrate(db, { logger });
    const bus = busFromEnv(env, logger);
    const blobs = openBlobStore(env.BLOB_URL, { apiEndpoint: env.GCS_API_ENDPOINT, projectId: env.GOOGLE_CLOUD_PROJECT });
    const loader = createLoader({
      db,
      bus,
      blobs,
      logger,
      limits: { maxRejectRatio: env.LOADER_MAX_REJECT_RATIO, maxDeleteRatio: env.LOADER_MAX_DELETE_RATIO },
      maxDeliveryAttempts: env.MAX_DELIVERY_ATTEMPTS,
      ...(env.LOADER_BLOB_STALL_TIMEOUT === undefined ? {} : { blobStallTimeoutMs: env.LOADER_BLOB_STALL_TIMEOUT }),
    });
    // Stopped in reverse: the loader stops taking messages, then the bus, then the database.
    const stop = [() => db.close(), () => bus.close(), () => loader.close()];
    if (env.PUBSUB_MODE === "pull") {
      await loader.subscribe();
      return { app: createApp({ logger, loader, db }), stop };
    }
    return { app: createApp({ logger, loader, db, push: { verifier: pushVerifierFromEnv(env) } }), stop };
  },
});
