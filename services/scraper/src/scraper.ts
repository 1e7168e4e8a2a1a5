import { subscriptionName, TOPICS } from "@crm-sync/contracts";
import type { BlobStore } from "@crm-sync/blob";
import type { EventBus, EventHandler, Subscription } from "@crm-sync/bus";
import type { Logger } from "@crm-sync/logging";
import { scrapeRequestedHandler } from "./handlers/scrape-requested.ts";
import type { CustomerExportSource } from "./portal/portal-export.ts";

export interface ScraperDeps {
  bus: EventBus;
  blobs: BlobStore;
  /** Usually a QashierPortal; it owns the browser and is closed with the scraper. */
  portal: CustomerExportSource;
  logger: Logger;
  /** Default 5, Pub/Sub's default; must match the subscription. */
  maxDeliveryAttempts?: number;
}

export interface Scraper {
  /** The `scrape-requested` handler, for a push endpoint or a subscription. */
  handleScrapeRequested: EventHandler<"scrape-requested">;
  /** Pulls `scrape-requested` from the bus (pull-worker and embedded modes). */
  subscribe(): Promise<Subscription>;
  /** Stops pulling and closes the browser. */
  close(): Promise<void>;
}

export const SCRAPER_SUBSCRIPTION = subscriptionName("scraper", TOPICS.scrapeRequested);

/** The scraper without a server around it: `npm start` wires it to the in-memory bus. */
export function createScraper(deps: ScraperDeps): Scraper {
  const maxDeliveryAttempts = deps.maxDeliveryAttempts ?? 5;
  const handleScrapeRequested = scrapeRequestedHandler({ ...deps, maxDeliveryAttempts });
  const subscriptions: Subscription[] = [];
  return {
    handleScrapeRequested,
    async subscribe() {
      const subscription = await deps.bus.subscribe(TOPICS.scrapeRequested, SCRAPER_SUBSCRIPTION, handleScrapeRequested, { maxDeliveryAttempts });
      subscriptions.push(subscription);
      return subscription;
    },
    async close() {
      for (const subscription of subscriptions.splice(0)) await subscription.close();
      await deps.portal.close();
    },
  };
}
