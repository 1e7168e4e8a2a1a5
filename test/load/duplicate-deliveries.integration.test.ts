import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileBlobStore } from "@crm-sync/blob";
import { createOidcVerifier, InMemoryBus } from "@crm-sync/bus";
import { makeEvent, type SyncEvent } from "@crm-sync/contracts";
import { migrate, openDatabase, type Database } from "@crm-sync/db";
import { createLogger } from "@crm-sync/logging";
import { createApp as createLoaderApp, createLoader, DATABASE_SESSION_SETTINGS, type Loader } from "@crm-sync/loader";
import { createNotifier, createSmtpMailer, type Notifier } from "@crm-sync/notifier";
import { listen, type RunningServer } from "@crm-sync/server";
import { createTestDatabase, gate, postgresMissing, type TestDatabase } from "@crm-sync/testing";
import { createTrigger, type Trigger } from "@crm-sync/trigger";
import { mapBounded, shuffled, tally } from "../support/bounded-pool.ts";
import { exportCsv, plainCustomers } from "../support/export-csv.ts";
import { certsOf, generateSigningKey, signIdToken } from "../support/id-tokens.ts";
import { postPush, pushBodyFor } from "../support/push-delivery.ts";
import { startSmtpSink, type SmtpSink } from "@crm-sync/testing";

const COPIES = 1000;
/** Deliveries in flight at once: enough to race every handler, few enough for a 2-core machine. */
const IN_FLIGHT = 32;
const PUSH_SA = "pubsub-push@crm-sync-load.iam.gserviceaccount.com";
const API_TOKEN = "load-test-api-token-abcdef0123";
const logger = createLogger({ service: "duplicate-load", level: "silent" });
const pushKey = generateSigningKey();
const audienceOf = (service: string) => `https://${service}.crm-sync-load.example.test/pubsub`;
const verifierFor = (service: string) => createOidcVerifier({ enabled: true, audience: audienceOf(service), serviceAccountEmail: PUSH_SA, certs: certsOf(pushKey) });
const tokenFor = (service: string) => signIdToken(pushKey, { aud: audienceOf(service), email: PUSH_SA });

interface Delivery {
  topic: string;
  body: string;
}

/** `copies` deliveries of one Pub/Sub message (same message id), attempts rising as Pub/Sub's would. */
function redeliveries(event: SyncEvent, service: string, messageId: string, copies = COPIES): Delivery[] {
  return Array.from({ length: copies }, (_, i) => ({ topic: event.type, body: pushBodyFor(event, { messageId, service, deliveryAttempt: (i % 5) + 1 }) }));
}

/** Delivers everything through the push endpoint, `IN_FLIGHT` at a time; resolves to the statuses. */
async function deliverAll(url: string, token: string, deliveries: readonly Delivery[]): Promise<number[]> {
  return await mapBounded(deliveries, IN_FLIGHT, (delivery) => postPush(url, delivery.topic, delivery.body, token));
}

async function freshPostgres(): Promise<{ database: TestDatabase; db: Database }> {
  const database = await createTestDatabase("crm_sync_load");
  const db = await openDatabase(database.url, { connection: DATABASE_SESSION_SETTINGS });
  await migrate(db);
  return { database, db };
}

const count = async (db: Database, query: string) => Number((await db.sql.unsafe(query))[0]?.["n"]);

describe.skipIf(gate("Postgres", await postgresMissing()))("1,000 duplicate deliveries of each event have one effect each", () => {
  describe("trigger ledger: every event type delivered 1,000× through its push endpoints, interleaved", () => {
    const runId = "run-load-ledger-1";
    let database: TestDatabase;
    let db: Database;
    let bus: InMemoryBus;
    let trigger: Trigger;
    let server: RunningServer;

    beforeAll(async () => {
      ({ database, db } = await freshPostgres());
      bus = new InMemoryBus({ logger });
      trigger = createTrigger({ db, bus, logger, auth: { apiTokens: [{ name: "load-test", role: "operator", token: API_TOKEN }] }, push: { verifier: verifierFor("trigger") } });
      server = await listen(trigger.app, 0);
    });
    afterAll(async () => {
      await server?.close(500);
      await trigger?.close();
      await bus?.close();
      await db?.close();
      await database?.drop();
    });

    it("projects one run row with the run's true final state", async ({ annotate }) => {
      const t0 = Date.parse("2026-11-26T19:00:00.000Z");
      const at = (seconds: number) => new Date(t0 + seconds * 1000);
      const object = { bucket: "crm-exports", name: `exports/customers/2026/11/26/${runId}.csv`, generation: "1764183600000000", sha256: "c".repeat(64), bytes: 123_456 };
      const counts = { rows: 1000, inserted: 10, updated: 5, unchanged: 983, softDeleted: 1, revived: 1, rejected: 1 };
      const events: SyncEvent[] = [
        makeEvent("sync-requested", runId, { trigger: "manual", requestedBy: "vercel-dashboard" }, at(0)),
        makeEvent("sync-progress", runId, { stage: "scraping", message: "Logging in to the portal" }, at(1)),
        makeEvent("csv-ready", runId, { object, rows: 1000, portalTotal: 1000 }, at(20)),
        // A retryable failure of the first attempt, then the retry's success: the ledger keeps the
        // success whichever arrives first, so this run's outcome does not depend on the interleaving.
        makeEvent("sync-failed", runId, { stage: "committing", code: "DB_UNAVAILABLE", retryable: true, message: "The database could not be reached.", destinationUntouched: true, artifacts: [], attempt: 1 }, at(30)),
        makeEvent("sync-completed", runId, { counts, durationMs: 4200 }, at(40)),
      ];
      const deliveries = shuffled(events.flatMap((event, i) => redeliveries(event, "trigger", `ledger-${i}`)), 20261126);

      const statuses = await deliverAll(server.url, tokenFor("trigger"), deliveries);
      const [projected] = await db.sql<Array<{ n: number; status: string }>>`select count(*)::integer as n, max(status) as status from crm_sync.runs`;
      await annotate(
        `${deliveries.length} deliveries (${events.length} events × ${COPIES}) → ${statuses.filter((s) => s === 204).length} answered 204; ` +
          `${projected?.n} run row, ${projected?.status}`,
      );

      expect(tally(statuses)).toEqual({ "204": events.length * COPIES });
      expect(await count(db, "select count(*)::integer as n from crm_sync.runs")).toBe(1);
      const response = await fetch(`${server.url}/v1/syncs/${runId}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
      expect(await response.json()).toMatchObject({
        runId,
        trigger: "manual",
        requestedBy: "vercel-dashboard",
        status: "succeeded",
        phase: "done",
        message: "Customer data is up to date",
        requestedAt: at(0).toISOString(),
        finishedAt: at(40).toISOString(),
        counts,
        durationMs: 4200,
        error: null,
        destinationUntouched: false,
        sourceObject: object,
        attempt: 1,
      });
    });
  });

  describe("loader: csv-ready for one run and sha256 delivered 1,000×", () => {
    const runId = "run-load-loader-1";
    const file = exportCsv(plainCustomers(200));
    let database: TestDatabase;
    let db: Database;
    let dir: string;
    let bus: InMemoryBus;
    let blobs: FileBlobStore;
    let loader: Loader;
    let server: RunningServer;
    const published: SyncEvent[] = [];

    beforeAll(async () => {
      ({ database, db } = await freshPostgres());
      dir = await mkdtemp(join(tmpdir(), "crm-sync-load-"));
      bus = new InMemoryBus({ logger });
      for (const topic of ["sync-progress", "sync-completed", "sync-failed"] as const) {
        await bus.subscribe(topic, `observer.${topic}`, async ({ event }) => {
          published.push(event);
          return "ack";
        });
      }
      blobs = new FileBlobStore({ root: dir, bucket: "crm-exports-load" });
      loader = createLoader({ db, bus, blobs, logger });
      server = await listen(createLoaderApp({ logger, loader, db, push: { verifier: verifierFor("loader") } }), 0);
      await db.sql`insert into crm_sync.runs (id, trigger, status, stage) values (${runId}, 'manual', 'running', 'parsing')`;
    });
    afterAll(async () => {
      await server?.close(500);
      await loader?.close();
      await bus?.close();
      await db?.close();
      await database?.drop();
      await rm(dir, { recursive: true, force: true });
    });

    let statuses: number[] = [];

    it("loads once: every copy acknowledged, one set of customer rows, one change log, nothing failed", async ({ annotate }) => {
      const info = await blobs.put(`exports/customers/2026/11/26/${runId}.csv`, file, { contentType: "text/csv" });
      const object = { bucket: info.bucket, name: info.name, generation: info.generation, sha256: info.sha256, bytes: info.bytes };
      const event = makeEvent("csv-ready", runId, { object, rows: 200 });

      statuses = await deliverAll(server.url, tokenFor("loader"), redeliveries(event, "loader", "csv-ready-1"));
      await bus.drain();
      await annotate(
        `${statuses.length} deliveries → ${statuses.filter((s) => s === 204).length} answered 204; ` +
          `${await count(db, "select count(*)::integer as n from backoffice.customers")} customer rows, ` +
          `${await count(db, "select count(*)::integer as n from crm_sync.customer_changes")} change-log rows, ` +
          `${await count(db, "select count(*)::integer as n from crm_sync.processed_messages where consumer = 'loader'")} load recorded, ` +
          `${published.filter((e) => e.type === "sync-failed").length} sync-failed`,
      );

      expect(tally(statuses)).toEqual({ "204": COPIES });
      expect(published.filter((e) => e.type === "sync-failed")).toEqual([]);
      expect(await count(db, "select count(*)::integer as n from backoffice.customers")).toBe(200);
      expect(await count(db, "select count(*)::integer as n from crm_sync.customer_changes")).toBe(200);
      expect(await count(db, "select count(*)::integer as n from crm_sync.processed_messages where consumer = 'loader'")).toBe(1);
      const [first] = published.filter((e) => e.type === "sync-completed");
      expect(first?.data.counts).toEqual({ rows: 200, inserted: 200, updated: 0, unchanged: 0, softDeleted: 0, revived: 0, rejected: 0 });
    });

    // Copies that waited on the loader's lock while the first load committed must find it announced.
    it("publishes exactly one sync-completed", async ({ annotate }) => {
      await annotate(`${statuses.length} deliveries → ${published.filter((e) => e.type === "sync-completed").length} sync-completed`);
      expect(statuses).toHaveLength(COPIES);
      expect(published.filter((e) => e.type === "sync-completed")).toHaveLength(1);
    });
  });

  describe("notifier: sync-failed delivered 1,000×", () => {
    let database: TestDatabase;
    let db: Database;
    let sink: SmtpSink;
    let notifier: Notifier;
    let server: RunningServer;

    beforeAll(async () => {
      ({ database, db } = await freshPostgres());
      sink = await startSmtpSink();
      const mailer = createSmtpMailer({ url: sink.url, from: "crm-sync@example.test", to: "oncall@example.test", attempts: 1, timeoutMs: 5_000 });
      notifier = createNotifier({
        db,
        mailer,
        logger,
        links: { dashboardUrl: "https://crm-sync-load.example.test/", traceUrlTemplate: null },
        push: { verifier: verifierFor("notifier") },
      });
      server = await listen(notifier.app, 0);
    });
    afterAll(async () => {
      await server?.close(500);
      await notifier?.stop();
      await sink?.stop();
      await db?.close();
      await database?.drop();
    });

    it("sends one email", async ({ annotate }) => {
      const event = makeEvent("sync-failed", "run-load-notifier-1", {
        stage: "scraping",
        code: "PORTAL_AUTH_FAILED",
        retryable: false,
        message: "The portal refused the login.",
        destinationUntouched: true,
        artifacts: [],
        attempt: 1,
      });
      let pending = redeliveries(event, "notifier", "sync-failed-1");
      const statuses: number[] = [];
      // A copy that arrives while the email is still going out is answered 500 (retry), as the
      // outbox is not done yet; Pub/Sub would send it again, and so does this loop.
      let rounds = 0;
      for (let round = 0; pending.length > 0 && round < 10; round++) {
        const answered = await deliverAll(server.url, tokenFor("notifier"), pending);
        statuses.push(...answered.filter((status) => status !== 500));
        pending = pending.filter((_, i) => answered[i] === 500);
        rounds = round + 1;
      }
      const mails = await sink.parsed();
      await annotate(
        `${COPIES} deliveries in ${rounds} round(s) → ${statuses.filter((s) => s === 204).length} answered 204; ${mails.length} email sent, ` +
          `${await count(db, "select count(*)::integer as n from crm_sync.alert_emails")} alert recorded`,
      );

      expect(pending).toEqual([]);
      expect(tally(statuses)).toEqual({ "204": COPIES });
      expect(mails.map((mail) => mail.subject)).toEqual(["[crm-sync] ซิงก์ข้อมูลลูกค้าไม่สำเร็จ | FAILED at scraping: PORTAL_AUTH_FAILED"]);
      expect(await count(db, "select count(*)::integer as n from crm_sync.alert_emails")).toBe(1);
    });
  });
});
