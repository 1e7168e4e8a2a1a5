import { createPubSubClient, createOidcVerifier, PubSubBus, type EventBus } from "@crm-sync/bus";
import { runService } from "@crm-sync/server";
import { createApp } from "./app.ts";
import { readEnv } from "./env.ts";
import { openBlobStore } from "./open-blob-store.ts";
import { QashierPortal } from "./portal/qashier-portal.ts";
import { createScraper } from "./scraper.ts";

await runService({
  name: "scraper",
  env: readEnv(),
  build: async (env, logger) => {
    const bus: EventBus = new PubSubBus({
      projectId: env.GOOGLE_CLOUD_PROJECT,
      logger,
      client: createPubSubClient({ projectId: env.GOOGLE_CLOUD_PROJECT, ...(env.PUBSUB_EMULATOR_HOST === undefined ? {} : { emulatorHost: env.PUBSUB_EMULATOR_HOST }) }),
    });
    const portal = new QashierPortal({
      url: env.QASHIER_URL,
      username: env.QASHIER_USERNAME,
      password: env.QASHIER_PASSWORD,
      chromiumPath: env.CHROMIUM_PATH,
      deadlines: { elementMs: env.PORTAL_ELEMENT_TIMEOUT_MS, navigationMs: env.PORTAL_NAVIGATION_TIMEOUT_MS, downloadMs: env.PORTAL_DOWNLOAD_TIMEOUT_MS },
      logger,
    });
    const blobs = openBlobStore(env.BLOB_URL, { apiEndpoint: env.GCS_API_ENDPOINT, projectId: env.GOOGLE_CLOUD_PROJECT });
    const scraper = createScraper({ bus, blobs, portal, logger, maxDeliveryAttempts: env.MAX_DELIVERY_ATTEMPTS });
    const stop = [() => bus.close(), () => scraper.close()];
    if (env.SCRAPER_MODE === "pull") {
      await scraper.subscribe();
      return { app: createApp({ logger, scraper }), stop };
    }
    // env.ts requires the audience and account whenever the check is on.
    const verifier =
      env.PUBSUB_VERIFY_OIDC && env.PUBSUB_PUSH_AUDIENCE !== undefined && env.PUBSUB_PUSH_SERVICE_ACCOUNT !== undefined
        ? createOidcVerifier({ enabled: true, audience: env.PUBSUB_PUSH_AUDIENCE, serviceAccountEmail: env.PUBSUB_PUSH_SERVICE_ACCOUNT })
        : createOidcVerifier({ enabled: false });
    return { app: createApp({ logger, scraper, push: { verifier } }), stop };
  },
});
