import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvent, type EventOf, type StoredObject, type SyncEvent } from "@crm-sync/contracts";
import { BlobNotFoundError, FileBlobStore, UnsafeBlobNameError } from "@crm-sync/blob";
import { InMemoryBus, type HandlerOutcome } from "@crm-sync/bus";
import { migrate, openDatabase, type Database } from "@crm-sync/db";
import { createLogger } from "@crm-sync/logging";
import { createLoader, type Loader } from "@crm-sync/loader";
import { listen, type RunningServer } from "@crm-sync/server";
import { createTrigger, type Trigger } from "@crm-sync/trigger";
import { exportCsv, plainCustomers, sha256Of } from "../support/export-csv.ts";

const BUCKET = "crm-exports-test";
const MAX_ATTEMPTS = 5;
/** A valid export, planted wherever a name could lead if it escaped: loading it would show as customer rows. */
const BAIT = exportCsv(plainCustomers(3, 900));

interface NameCase {
  case: string;
  name: string;
  bucket?: string;
  /** Also stored legitimately in our bucket under `name` (the message is wrong, not the file). */
  storedInBucket?: boolean;
}

const NAME_CASES: NameCase[] = [
  { case: "a parent-relative name", name: "../bait.csv" },
  { case: "a traversal out of exports/", name: "exports/../../etc/passwd" },
  { case: "a traversal out of the bucket folder", name: "exports/customers/../../../bait.csv" },
  { case: "an absolute path", name: "/etc/passwd" },
  { case: "a URL-encoded traversal", name: "exports/%2e%2e/%2e%2e/bait.csv" },
  { case: "a traversal with encoded slashes", name: "exports%2F..%2F..%2Fbait.csv" },
  { case: "a backslash traversal", name: "exports\\..\\..\\bait.csv" },
  { case: "a dot segment", name: "exports/./customers/bait.csv" },
  { case: "a control character", name: "exports/customers/bait\u0000.csv" },
  { case: "a gs:// URL in place of a name", name: "gs://someone-elses-bucket/exports/customers/bait.csv" },
  { case: "a name outside the exports/ prefix", name: "artifacts/run-x/attempt-1/page.csv", storedInBucket: true },
  { case: "another bucket", name: "exports/customers/2026/11/26/run-elsewhere.csv", bucket: "someone-elses-bucket", storedInBucket: true },
];

/** Where `name` would land on disk if a store joined it naively (and decoded it, for the encoded cases). */
function naiveTargets(name: string): string[] {
  const spellings = new Set([name, name.replaceAll("\\", "/")]);
  for (const spelling of [...spellings]) {
    try {
      spellings.add(decodeURIComponent(spelling));
    } catch {
      // not decodable: only the literal spelling applies
    }
  }
  return [...spellings].map((spelling) => spelling.replaceAll("\u0000", ""));
}

describe("object names from messages cannot escape their prefix", () => {
  let dir: string;
  let root: string;
  let db: Database;
  let bus: InMemoryBus;
  let blobs: FileBlobStore;
  let loader: Loader;
  let trigger: Trigger;
  let triggerServer: RunningServer;
  const published: SyncEvent[] = [];
  const apiToken = "object-names-test-token-0123456789";
  const logger = createLogger({ service: "object-names-test", level: "silent" });

  /**
   * Writes the bait (bytes and the store's metadata) wherever `name` would lead a store that
   * joined it naively (or decoded it first) to a place outside the bucket folder, within the
   * sandbox. Loading it would prove an escape.
   */
  async function plantBait(name: string): Promise<string[]> {
    const planted: string[] = [];
    const within = (folder: string, path: string) => {
      const rel = relative(folder, path);
      return rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep);
    };
    for (const spelling of naiveTargets(name)) {
      const dataPath = join(root, BUCKET, spelling);
      const metadataPath = join(root, ".blob-meta", BUCKET, `${spelling}.json`);
      const escapes = !within(join(root, BUCKET), dataPath) || !within(join(root, ".blob-meta", BUCKET), metadataPath);
      if (!escapes || !within(dir, dataPath) || !within(dir, metadataPath) || dataPath.endsWith(sep)) continue;
      const metadata = { bucket: BUCKET, name: spelling, generation: "1", sha256: sha256Of(BAIT), bytes: BAIT.length, contentType: "text/csv", createdAt: new Date().toISOString(), metadata: {} };
      await mkdir(dirname(dataPath), { recursive: true });
      await mkdir(dirname(metadataPath), { recursive: true });
      await writeFile(dataPath, BAIT);
      await writeFile(metadataPath, JSON.stringify(metadata));
      planted.push(dataPath);
    }
    return planted;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "crm-sync-object-names-"));
    root = join(dir, "store", "blobs");
    await mkdir(root, { recursive: true });
    db = await openDatabase("pglite://memory");
    await migrate(db);
    bus = new InMemoryBus({ logger, backoff: { minMs: 5, maxMs: 20 } });
    for (const topic of ["sync-progress", "sync-completed", "sync-failed"] as const) {
      await bus.subscribe(topic, `observer.${topic}`, async ({ event }) => {
        published.push(event);
        return "ack";
      });
    }
    blobs = new FileBlobStore({ root, bucket: BUCKET });
    loader = createLoader({ db, bus, blobs, logger, maxDeliveryAttempts: MAX_ATTEMPTS });
    trigger = createTrigger({ db, bus, blobs, logger, auth: { apiTokens: [{ name: "object-names-test", role: "approver", token: apiToken }] } });
    triggerServer = await listen(trigger.app, 0);
  });
  afterAll(async () => {
    await triggerServer?.close(500);
    await trigger?.close();
    await loader?.close();
    await bus?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function deliver(event: EventOf<"csv-ready">, deliveryAttempt: number): Promise<HandlerOutcome> {
    const outcome = await loader.handleCsvReady({ event, attributes: { type: event.type, runId: event.runId }, messageId: `m-${event.runId}`, deliveryAttempt });
    await bus.drain();
    return outcome;
  }

  async function customerRows(): Promise<number> {
    const [row] = await db.sql<Array<{ n: number }>>`select count(*)::integer as n from backoffice.customers`;
    return row?.n ?? -1;
  }

  describe.each(NAME_CASES.map((c, i) => ({ ...c, runId: `run-object-name-${i}` })))("csv-ready naming $case ($name)", (nameCase) => {
    let event: EventOf<"csv-ready">;
    let baits: string[] = [];

    beforeAll(async () => {
      baits = await plantBait(nameCase.name);
      if (nameCase.storedInBucket === true) await blobs.put(nameCase.name, BAIT, { contentType: "text/csv" });
      const object: StoredObject = { bucket: nameCase.bucket ?? BUCKET, name: nameCase.name, generation: "1", sha256: sha256Of(BAIT), bytes: BAIT.length };
      event = makeEvent("csv-ready", nameCase.runId, { object, rows: 3 });
    });

    it("is refused on its first delivery with INVALID_MESSAGE, permanent, table untouched", async ({ annotate }) => {
      const outcome = await deliver(event, 1);
      const failures = published.filter((e): e is EventOf<"sync-failed"> => e.type === "sync-failed" && e.runId === nameCase.runId);
      await annotate(`delivery answered ${outcome}; sync-failed ${failures.map((e) => `${e.data.code} (retryable ${e.data.retryable})`).join(", ") || "none"}`);
      expect({ outcome, failures: failures.map((e) => e.data) }).toEqual({
        outcome: "ack",
        failures: [expect.objectContaining({ code: "INVALID_MESSAGE", retryable: false, destinationUntouched: true })],
      });
    });

    it("never loads anything, on any delivery attempt", async ({ annotate }) => {
      // A traversal must have found bait to refuse, or this test would prove nothing.
      if (/\.\.|%2e/i.test(nameCase.name)) expect(baits).not.toEqual([]);
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) await deliver(event, attempt);
      await annotate(
        `${baits.length} bait file(s) planted; ${MAX_ATTEMPTS} deliveries → ` +
          `${published.filter((e) => e.type === "sync-completed" && e.runId === nameCase.runId).length} sync-completed, ${await customerRows()} customer rows`,
      );
      expect(published.filter((e) => e.type === "sync-completed" && e.runId === nameCase.runId)).toEqual([]);
      expect(await customerRows()).toBe(0);
      const processed = await db.sql`select message_key from crm_sync.processed_messages where run_id = ${nameCase.runId}`;
      expect(processed).toHaveLength(0);
    });
  });

  describe("the trigger's replay endpoint (an object name from an API caller)", () => {
    // The bucket is the trigger's own store here, so only the name can be wrong.
    const replayCases = NAME_CASES.filter((c) => c.bucket === undefined);

    it.each(replayCases)("refuses $case with 400 and opens no run", async ({ name }) => {
      await plantBait(name);
      const response = await fetch(`${triggerServer.url}/v1/syncs/replay`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json" },
        body: JSON.stringify({ object: name }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "INVALID_OBJECT" } });
      const runs = await db.sql`select id from crm_sync.runs where trigger = 'replay'`;
      expect(runs).toHaveLength(0);
    });
  });

  describe("the file blob store itself", () => {
    const unsafe = NAME_CASES.filter((c) => c.storedInBucket !== true && !c.name.includes("%"));

    it.each(unsafe)("refuses $case for every operation, creating nothing", async ({ name }) => {
      const before = await readdir(dir, { recursive: true });
      await expect(blobs.put(name, BAIT, { contentType: "text/csv" })).rejects.toThrow(UnsafeBlobNameError);
      await expect(blobs.get(name)).rejects.toThrow(UnsafeBlobNameError);
      await expect(blobs.stat(name)).rejects.toThrow(UnsafeBlobNameError);
      await expect(blobs.url(name)).rejects.toThrow(UnsafeBlobNameError);
      expect((await readdir(dir, { recursive: true })).sort()).toEqual(before.sort());
    });

    it.each(["../", "/", "/etc", "exports/../../", "a\\b", "exports//x"])("refuses to list the prefix %j", async (prefix) => {
      await expect(blobs.list(prefix)).rejects.toThrow(UnsafeBlobNameError);
    });

    it("never decodes URL-encoded names: the bait they spell out is not found", async () => {
      for (const name of NAME_CASES.filter((c) => c.name.includes("%")).map((c) => c.name)) {
        expect(await plantBait(name)).not.toEqual([]);
        const refusal = await blobs.get(name).then(
          () => "read",
          (error: unknown) => (error instanceof UnsafeBlobNameError || error instanceof BlobNotFoundError ? "refused" : String(error)),
        );
        expect(refusal, name).toBe("refused");
      }
    });

    it("keeps a refused put from leaving a file outside its bucket folder", async () => {
      await expect(blobs.put("../escaped.csv", BAIT, { contentType: "text/csv" })).rejects.toThrow(UnsafeBlobNameError);
      await expect(blobs.put("exports/../../../escaped.csv", BAIT, { contentType: "text/csv" })).rejects.toThrow(UnsafeBlobNameError);
      expect(existsSync(join(root, "escaped.csv"))).toBe(false);
      expect(existsSync(join(dir, "store", "escaped.csv"))).toBe(false);
    });
  });
});
