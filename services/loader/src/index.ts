import { createOidcVerifier, createPubSubClient, PubSubBus, type EventBus } from "@crm-sync/bus";
import { migrate, openDatabase } from "@crm-sync/db";
import { runService } from "@crm-sync/server";
import { createApp } from "./app.ts";
import { DATABASE_SESSION_SETTINGS } from "./database-settings.ts";
import { readEnv } from "./env.ts";
import { createLoader } from "./loader.ts";
import { openBlobStore } from "./open-blob-store.ts";

await runService({
  name: "loader",
  env: readEnv(),
  build: async (env, logger) => {
    const db = await openDatabase(env.DATABASE_URL, {
      logger,
      ...(env.DATABASE_URL.startsWith("pglite:") ? {} : { connection: DATABASE_SESSION_SETTINGS }),
    });
    if (env.LOADER_MIGRATE) await migrate(db, { logger });
    const bus: EventBus = new PubSubBus({
      projectId: env.GOOGLE_CLOUD_PROJECT,
      logger,
      client: createPubSubClient({ projectId: env.GOOGLE_CLOUD_PROJECT, ...(env.PUBSUB_EMULATOR_HOST === undefined ? {} : { emulatorHost: env.PUBSUB_EMULATOR_HOST }) }),
    });
    const blobs = openBlobStore(env.BLOB_URL, { apiEndpoint: env.GCS_API_ENDPOINT, projectId: env.GOOGLE_CLOUD_PROJECT });
    const loader = createLoader({
      db,
      bus,
      blobs,
      logger,
      limits: { maxRejectRatio: env.LOADER_MAX_REJECT_RATIO, maxDeleteRatio: env.LOADER_MAX_DELETE_RATIO },
      maxDeliveryAttempts: env.MAX_DELIVERY_ATTEMPTS,
    });
    // Stopped in reverse: the loader stops taking messages, then the bus, then the database.
    const stop = [() => db.close(), () => bus.close(), () => loader.close()];
    if (env.LOADER_MODE === "pull") {
      await loader.subscribe();
      return { app: createApp({ logger, loader, db }), stop };
    }
    // env.ts requires the audience and account whenever the check is on.
    const verifier =
      env.PUBSUB_VERIFY_OIDC && env.PUBSUB_PUSH_AUDIENCE !== undefined && env.PUBSUB_PUSH_SERVICE_ACCOUNT !== undefined
        ? createOidcVerifier({ enabled: true, audience: env.PUBSUB_PUSH_AUDIENCE, serviceAccountEmail: env.PUBSUB_PUSH_SERVICE_ACCOUNT })
        : createOidcVerifier({ enabled: false });
    return { app: createApp({ logger, loader, db, push: { verifier } }), stop };
  },
});
