import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeEvent, type EventOf } from "@crm-sync/contracts";
import { FileBlobStore } from "@crm-sync/blob";
import { InMemoryBus } from "@crm-sync/bus";
import type { Database } from "@crm-sync/db";
import { waitFor } from "@crm-sync/testing";
import type { GuardLimits } from "../../src/domain/guards.ts";
import { createLoader, type Loader } from "../../src/loader.ts";
import { silentLogger } from "./backends.ts";

export type LoadOutcome = EventOf<"sync-completed"> | EventOf<"sync-failed">;

export interface CsvReadyHarness {
  /** Stores `bytes` as an export, announces it on csv-ready and returns the run's final event. */
  load(runId: string, bytes: Buffer): Promise<LoadOutcome>;
  close(): Promise<void>;
}

/**
 * The loader as it runs in production, minus the network: a file blob store, the in-memory bus
 * (same ack/retry rules as Pub/Sub) and the csv-ready handler. One delivery attempt, so a
 * transient failure is reported at once instead of after backoff.
 */
export async function startCsvReadyHarness(db: Database, limits?: GuardLimits): Promise<CsvReadyHarness> {
  const dir = await mkdtemp(join(tmpdir(), "loader-harness-"));
  const blobs = new FileBlobStore({ root: dir, bucket: "exports" });
  const bus = new InMemoryBus({ logger: silentLogger });
  const outcomes: LoadOutcome[] = [];
  for (const topic of ["sync-completed", "sync-failed"] as const) {
    await bus.subscribe(topic, `test.${topic}`, async ({ event }) => {
      outcomes.push(event);
      return "ack";
    });
  }
  const loader: Loader = createLoader({ db, bus, blobs, logger: silentLogger, maxDeliveryAttempts: 1, ...(limits === undefined ? {} : { limits }) });
  await loader.subscribe();
  return {
    async load(runId, bytes) {
      const info = await blobs.put(`exports/${runId}.csv`, bytes, { contentType: "text/csv" });
      const object = { bucket: info.bucket, name: info.name, generation: info.generation, sha256: info.sha256, bytes: info.bytes };
      await bus.publish(makeEvent("csv-ready", runId, { object, rows: 0 }));
      const outcome = await waitFor(() => outcomes.find((event) => event.runId === runId), { timeoutMs: 60_000 });
      await bus.drain();
      return outcome;
    },
    async close() {
      await loader.close();
      await bus.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
