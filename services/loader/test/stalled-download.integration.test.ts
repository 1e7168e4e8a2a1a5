import postgres from "postgres";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeEvent, type EventOf } from "@crm-sync/contracts";
import { ensureBucket, openBlobStore, type BlobStore } from "@crm-sync/blob";
import { InMemoryBus } from "@crm-sync/bus";
import { migrate, openDatabase, type Database } from "@crm-sync/db";
import { createTestDatabase, gate, postgresMissing, startGcsTestServer, waitFor, type GcsTestServer, type TestDatabase } from "@crm-sync/testing";
import { DATABASE_SESSION_SETTINGS } from "../src/database-settings.ts";
import { createLoader, type Loader } from "../src/loader.ts";
import { dumpCustomers, LENIENT, silentLogger } from "./support/backends.ts";
import { exportCsv, syntheticCustomer } from "./support/synthetic-export.ts";

const PROJECT = "crm-sync-test";
const BUCKET = "crm-sync-exports";
const STALL_MS = 4_000;
/** Small, so the test shows they are not what ends a stalled COPY: the read-stall timeout is. */
const TIMEOUTS = { statementMs: 2_000, lockMs: 2_000, idleInTransactionMs: 2_000 };

const customers = (count: number, points: number) => Array.from({ length: count }, (_, i) => ({ ...syntheticCustomer(i), points: `${points}.00` }));

type Outcome = EventOf<"sync-completed"> | EventOf<"sync-failed">;

/** The loader's advisory lock, held by any session of this database. */
async function loaderLockHolders(admin: postgres.Sql): Promise<number> {
  const [row] = await admin`
    select count(*)::int as n from pg_locks
    where locktype = 'advisory' and granted
      and database = (select oid from pg_database where datname = current_database())
      and objid = (hashtext('crm_sync.loader')::bigint & 4294967295)::oid`;
  return row?.["n"] as number;
}

describe.skipIf(gate("Postgres", await postgresMissing()))("a download that stalls mid-file", () => {
  let database: TestDatabase;
  let db: Database;
  let admin: postgres.Sql;
  let gcs: GcsTestServer;
  let blobs: BlobStore;
  let bus: InMemoryBus;
  let loader: Loader;
  let outcomes: Outcome[];

  beforeEach(async () => {
    database = await createTestDatabase("crm_sync_stall");
    db = await openDatabase(database.url, { connection: DATABASE_SESSION_SETTINGS, timeouts: TIMEOUTS });
    await migrate(db);
    admin = postgres(database.url, { max: 1, onnotice: () => {} });
    gcs = await startGcsTestServer();
    await ensureBucket({ apiEndpoint: gcs.url, projectId: PROJECT, bucket: BUCKET });
    blobs = openBlobStore(`gs://${BUCKET}`, { apiEndpoint: gcs.url, projectId: PROJECT });
    bus = new InMemoryBus({ logger: silentLogger });
    outcomes = [];
    for (const topic of ["sync-completed", "sync-failed"] as const) {
      await bus.subscribe(topic, `test.${topic}`, async ({ event }) => {
        outcomes.push(event);
        return "ack";
      });
    }
    // One attempt: a retryable failure is reported at once rather than after backoff.
    loader = createLoader({ db, bus, blobs, logger: silentLogger, limits: LENIENT, maxDeliveryAttempts: 1, blobStallTimeoutMs: STALL_MS });
    await loader.subscribe();
  });

  afterEach(async () => {
    await loader.close();
    await bus.close();
    await db.close();
    await admin.end();
    await gcs.stop();
    await database.drop();
  });

  async function announce(runId: string, bytes: Buffer): Promise<void> {
    const info = await blobs.put(`exports/${runId}.csv`, bytes, { contentType: "text/csv" });
    const object = { bucket: info.bucket, name: info.name, generation: info.generation, sha256: info.sha256, bytes: info.bytes };
    await bus.publish(makeEvent("csv-ready", runId, { object, rows: 0 }));
  }

  const outcomeOf = (runId: string) => waitFor(() => outcomes.find((event) => event.runId === runId), { timeoutMs: 60_000, what: `the outcome of ${runId}` });

  it("fails BLOB_UNAVAILABLE (retried) within the stall timeout, frees the loader's lock and leaves the table as it was", async () => {
    await announce("run-stall-base", exportCsv(customers(2_000, 1)));
    expect((await outcomeOf("run-stall-base")).type).toBe("sync-completed");
    const before = await dumpCustomers(db);

    const changed = exportCsv(customers(2_000, 2));
    gcs.stallNextDownload(Math.floor(changed.length / 2));
    const announced = Date.now();
    await announce("run-stall", changed);
    // The load is inside its transaction, holding the lock, with the COPY waiting for the rest of the file.
    await waitFor(async () => (await loaderLockHolders(admin)) === 1, { what: "the stalled load to hold the loader's lock" });
    await waitFor(async () => (await admin`select 1 from pg_stat_activity where query like 'copy loader_staging%' and state = 'active'`).length === 1, {
      what: "the COPY to be waiting for data",
    });

    const failed = await outcomeOf("run-stall");
    const elapsed = Date.now() - announced;
    expect(failed).toMatchObject({ type: "sync-failed", data: { code: "BLOB_UNAVAILABLE", retryable: true, destinationUntouched: true } });
    // Ended by the read-stall timeout, not by statement_timeout (2 s): a backend waiting for
    // COPY data does not take the cancel. Generous upper bound for a loaded machine.
    expect(elapsed).toBeGreaterThanOrEqual(STALL_MS);
    expect(elapsed).toBeLessThan(STALL_MS + 20_000);

    await waitFor(async () => (await loaderLockHolders(admin)) === 0, { what: "the loader's lock to be released" });
    expect(await dumpCustomers(db)).toBe(before);

    // The next load of the same export takes the lock and goes through.
    await announce("run-after-stall", changed);
    expect(await outcomeOf("run-after-stall")).toMatchObject({ type: "sync-completed", data: { counts: { rows: 2_000, updated: 2_000 } } });
  });
});
