import { busFromEnv, pushVerifierFromEnv } from "@crm-sync/bus";
import { openBlobStore } from "@crm-sync/blob";
import { runService } from "@crm-sync/server";
import { createApp } from "./app.ts";
import { readEnv } from "./env.ts";
import { QashierPortal } from "./portal/qashier-portal.ts";
import { createScraper } from "./scraper.ts";

await runService({
  name: "scraper",
  env: readEnv(),
  build: async (env, logger) => {
    const bus = busFromEnv(env, logger);
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
    if (env.PUBSUB_MODE === "pull") {
      await scraper.subscribe();
      return { app: createApp({ logger, scraper }), stop };
    }
    return { app: createApp({ logger, scraper, push: { verifier: pushVerifierFromEnv(env) } }), stop };
  },
});
