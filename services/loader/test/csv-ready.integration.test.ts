import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeEvent, type EventOf, type EventType } from "@crm-sync/contracts";
import { FileBlobStore } from "@crm-sync/blob";
import { InMemoryBus } from "@crm-sync/bus";
import type { Database } from "@crm-sync/db";
import { waitFor } from "@crm-sync/testing";
import { createLoader, type Loader } from "../src/loader.ts";
import { BACKENDS, dumpCustomers, LENIENT, silentLogger } from "./support/backends.ts";
import { exportCsv, syntheticCustomer } from "./support/synthetic-export.ts";

const customers = (count: number) => Array.from({ length: count }, (_, i) => syntheticCustomer(i));

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`csv-ready handling on ${backend.name}`, () => {
    let db: Database;
    let closeDb: () => Promise<void>;
    let dir: string;
    let blobs: FileBlobStore;
    let bus: InMemoryBus;
    let loader: Loader;
    let seen: Array<EventOf<EventType>>;

    beforeEach(async () => {
      ({ db, close: closeDb } = await backend.open());
      dir = await mkdtemp(join(tmpdir(), "loader-blobs-"));
      blobs = new FileBlobStore({ root: dir, bucket: "exports" });
      bus = new InMemoryBus({ logger: silentLogger, backoff: { minMs: 10, maxMs: 50 } });
      seen = [];
      for (const topic of ["sync-progress", "sync-completed", "sync-failed"] as const) {
        await bus.subscribe(topic, `test.${topic}`, async ({ event }) => {
          seen.push(event);
          return "ack";
        });
      }
      loader = createLoader({ db, bus, blobs, logger: silentLogger, limits: LENIENT, maxDeliveryAttempts: 3 });
      await loader.subscribe();
    });

    afterEach(async () => {
      await loader.close();
      await bus.close();
      await closeDb();
      await rm(dir, { recursive: true, force: true });
    });

    async function announce(runId: string, file: Buffer, extra: { sha256?: string } = {}) {
      await db.sql`insert into crm_sync.runs (id, trigger, status, stage) values (${runId}, 'manual', 'running', 'parsing') on conflict do nothing`;
      const info = await blobs.put(`exports/${runId}.csv`, file, { contentType: "text/csv" });
      const object = { bucket: info.bucket, name: info.name, generation: info.generation, sha256: extra.sha256 ?? info.sha256, bytes: info.bytes };
      const event = makeEvent("csv-ready", runId, { object, rows: 0 });
      await bus.publish(event);
      return event;
    }

    const ofType = <T extends EventType>(type: T, runId: string) => seen.filter((e): e is EventOf<T> => e.type === type && e.runId === runId);

    it("loads the export, reports each stage and completes with counts", async () => {
      await announce("run-h1", exportCsv(customers(25)));
      const [completed] = await waitFor(() => ofType("sync-completed", "run-h1").length > 0 && ofType("sync-completed", "run-h1"));
      await bus.drain();
      expect(completed?.data.counts).toEqual({ rows: 25, inserted: 25, updated: 0, unchanged: 0, softDeleted: 0, revived: 0, rejected: 0 });
      expect(ofType("sync-progress", "run-h1").map((e) => e.data.stage)).toEqual(["parsing", "diffing", "committing"]);
      const [run] = await db.sql`select counts, sha256, source_object from crm_sync.runs where id = 'run-h1'`;
      expect(run).toMatchObject({ counts: completed?.data.counts, source_object: { name: "exports/run-h1.csv" } });
    });

    it("does nothing on a redelivery of the same csv-ready", async () => {
      const event = await announce("run-h2", exportCsv(customers(25)));
      await waitFor(() => ofType("sync-completed", "run-h2").length > 0);
      await bus.drain();
      const before = await dumpCustomers(db);
      await bus.publish(event);
      await bus.drain();
      expect(ofType("sync-completed", "run-h2")).toHaveLength(1);
      expect(ofType("sync-failed", "run-h2")).toHaveLength(0);
      expect(await dumpCustomers(db)).toBe(before);
    });

    it("holds a mass delete with the table untouched, and loads it once an operator approves", async () => {
      await announce("run-h3a", exportCsv(customers(30)));
      await waitFor(() => ofType("sync-completed", "run-h3a").length > 0);
      await bus.drain();
      const before = await dumpCustomers(db);

      await announce("run-h3b", exportCsv(customers(20)));
      const [held] = await waitFor(() => ofType("sync-failed", "run-h3b").length > 0 && ofType("sync-failed", "run-h3b"));
      await bus.drain();
      expect(held?.data).toMatchObject({ code: "MASS_DELETE_HELD", retryable: false, destinationUntouched: true, stage: "diffing", attempt: 1 });
      expect(await dumpCustomers(db)).toBe(before);

      await loader.approveHeldRun("run-h3b");
      const [completed] = await waitFor(() => ofType("sync-completed", "run-h3b").length > 0 && ofType("sync-completed", "run-h3b"));
      expect(completed?.data.counts).toMatchObject({ rows: 20, softDeleted: 10, unchanged: 20 });
    });

    it("reports a header mismatch once, as a permanent failure", async () => {
      await announce("run-h4", Buffer.from(exportCsv(customers(5)).toString().replace('"Email"', '"E-mail"')));
      await waitFor(() => ofType("sync-failed", "run-h4").length > 0);
      await bus.drain();
      expect(ofType("sync-failed", "run-h4").map((e) => e.data)).toEqual([
        expect.objectContaining({ code: "CSV_HEADER_MISMATCH", stage: "parsing", retryable: false, destinationUntouched: true, artifacts: [] }),
      ]);
      expect(ofType("sync-completed", "run-h4")).toHaveLength(0);
    });

    it("refuses bytes that differ from the announced sha256, retrying before it reports", async () => {
      await announce("run-h5", exportCsv(customers(5)), { sha256: "0".repeat(64) });
      const [failed] = await waitFor(() => ofType("sync-failed", "run-h5").length > 0 && ofType("sync-failed", "run-h5"), { timeoutMs: 20_000 });
      await bus.drain();
      expect(failed?.data).toMatchObject({ code: "EXPORT_INCOMPLETE", retryable: true, attempt: 3, destinationUntouched: true });
      expect(await db.sql`select id from backoffice.customers`).toHaveLength(0);
    });
  });
}
