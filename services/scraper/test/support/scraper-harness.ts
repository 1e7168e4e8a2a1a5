import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { Browser } from "playwright";
import { makeEvent, type EventOf, type SyncEvent } from "@crm-sync/contracts";
import { FileBlobStore } from "@crm-sync/blob";
import { InMemoryBus } from "@crm-sync/bus";
import type { PortalOptions } from "@crm-sync/fake-qashier";
import { createLogger } from "@crm-sync/logging";
import { createScraper, QashierPortal, type Scraper } from "../../src/app.ts";
import { startObservedPortal, type ObservedPortal } from "./observed-portal.ts";

export const USERNAME = "front-desk@example.test";
/** Thai and accented letters: the login must carry them intact. */
export const PASSWORD = "รหัสผ่าน-Pässwörd-ß9";

export interface HarnessOptions {
  browser: Browser;
  portal?: Partial<PortalOptions>;
  elementMs?: number;
  downloadMs?: number;
  maxDeliveryAttempts?: number;
}

export interface Harness {
  portal: ObservedPortal;
  blobs: FileBlobStore;
  bus: InMemoryBus;
  scraper: Scraper;
  events: SyncEvent[];
  logs: string[];
  /** Publishes a scrape-requested for the run and waits until the bus has nothing left to do. */
  request(runId: string, occurredAt?: Date): Promise<EventOf<"scrape-requested">>;
  redeliver(event: EventOf<"scrape-requested">): Promise<void>;
  ofType<T extends SyncEvent["type"]>(type: T): Array<EventOf<T>>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const portal = await startObservedPortal({
    username: USERNAME,
    password: PASSWORD,
    customers: { seed: 11, count: 40 },
    ...options.portal,
  });
  const dir = await mkdtemp(join(tmpdir(), "crm-sync-scraper-test-"));
  const blobs = new FileBlobStore({ root: dir, bucket: "exports-test" });
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      callback();
    },
  });
  const logger = createLogger({ service: "scraper-test", level: "debug", destination });
  const bus = new InMemoryBus({ logger, backoff: { minMs: 10, maxMs: 50 } });
  const events: SyncEvent[] = [];
  for (const topic of ["sync-progress", "csv-ready", "sync-failed"] as const) {
    await bus.subscribe(topic, `test.${topic}`, async ({ event }) => {
      events.push(event);
      return "ack";
    });
  }
  const qashier = new QashierPortal({
    url: portal.url,
    username: USERNAME,
    password: PASSWORD,
    browser: options.browser,
    deadlines: { elementMs: options.elementMs ?? 5_000, navigationMs: 10_000, downloadMs: options.downloadMs ?? 15_000 },
    logger,
  });
  const scraper = createScraper({ bus, blobs, portal: qashier, logger, maxDeliveryAttempts: options.maxDeliveryAttempts ?? 1 });
  await scraper.subscribe();

  const redeliver = async (event: EventOf<"scrape-requested">) => {
    await bus.publish(event);
    await bus.drain();
  };
  return {
    portal,
    blobs,
    bus,
    scraper,
    events,
    logs,
    async request(runId, occurredAt = new Date()) {
      const event = makeEvent("scrape-requested", runId, { trigger: "manual" }, occurredAt);
      await redeliver(event);
      return event;
    },
    redeliver,
    ofType: <T extends SyncEvent["type"]>(type: T) => events.filter((e): e is EventOf<T> => e.type === type),
    async close() {
      await scraper.close();
      await bus.close();
      await portal.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
