/**
 * Benchmark: scrape-requested published → csv-ready received, with real Chromium against the
 * fake portal, the in-memory bus and a file blob store. Prints one JSON line per size.
 *
 *   node services/scraper/bench/request-to-csv-ready.ts [1000 100000 …]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeEvent } from "@crm-sync/contracts";
import { FileBlobStore } from "@crm-sync/blob";
import { InMemoryBus } from "@crm-sync/bus";
import { startFakePortal } from "@crm-sync/fake-qashier";
import { createLogger } from "@crm-sync/logging";
import { createScraper, QashierPortal } from "../src/app.ts";

const USERNAME = "bench@example.test";
const PASSWORD = "bench-password";

export interface BenchResult {
  name: string;
  customers: number;
  ms: number;
  bytes: number;
  rows: number;
}

export async function benchRequestToCsvReady(customers: number): Promise<BenchResult> {
  const logger = createLogger({ service: "scraper-bench", level: "warn", destination: process.stderr });
  const portal = await startFakePortal({ username: USERNAME, password: PASSWORD, customers: { seed: 1, count: customers } });
  const dir = await mkdtemp(join(tmpdir(), "crm-sync-scraper-bench-"));
  const bus = new InMemoryBus({ logger });
  const qashier = new QashierPortal({
    url: portal.url,
    username: USERNAME,
    password: PASSWORD,
    chromiumPath: process.env["CHROMIUM_PATH"] || undefined,
    deadlines: { elementMs: 15_000, navigationMs: 30_000, downloadMs: 600_000 },
    logger,
  });
  const scraper = createScraper({ bus, blobs: new FileBlobStore({ root: dir, bucket: "bench" }), portal: qashier, logger });
  try {
    const ready = new Promise<{ rows: number; bytes: number }>((resolve, reject) => {
      void bus.subscribe("csv-ready", "bench.csv-ready", async ({ event }) => {
        resolve({ rows: event.data.rows, bytes: event.data.object.bytes });
        return "ack";
      });
      void bus.subscribe("sync-failed", "bench.sync-failed", async ({ event }) => {
        reject(new Error(`run failed: ${event.data.code}`));
        return "ack";
      });
    });
    await scraper.subscribe();
    const started = performance.now();
    await bus.publish(makeEvent("scrape-requested", `bench-${customers}`, { trigger: "manual" }));
    const { rows, bytes } = await ready;
    return { name: "scraper: sync-requested → csv-ready", customers, ms: Math.round(performance.now() - started), bytes, rows };
  } finally {
    await scraper.close();
    await bus.close();
    await portal.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n >= 0);
  for (const customers of sizes.length > 0 ? sizes : [1_000, 100_000]) {
    process.stdout.write(`${JSON.stringify(await benchRequestToCsvReady(customers))}\n`);
  }
}
