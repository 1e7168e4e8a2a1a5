import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileBlobStore } from "@crm-sync/blob";
import { InMemoryBus } from "@crm-sync/bus";
import { ALL_TOPICS, makeEvent, type SyncEvent } from "@crm-sync/contracts";
import { migrate, openDatabase, type Database } from "@crm-sync/db";
import { generateCustomers, startFakePortal, type RunningFakePortal } from "@crm-sync/fake-qashier";
import { createSmtpMailer } from "@crm-sync/notifier";
import { QashierPortal } from "@crm-sync/scraper";
import { chromiumMissing, createTestDatabase, gate, launchChromium, postgresMissing, waitFor, type TestDatabase } from "@crm-sync/testing";
import { exportCsv, exportLine, type ExportRow } from "../support/export-csv.ts";
import { forgedIdTokens, signIdToken } from "../support/id-tokens.ts";
import { occurs, personalData, type Watched } from "../support/leak-scan.ts";
import { createLogCapture } from "../support/log-capture.ts";
import { postPush, rawPushBody } from "../support/push-delivery.ts";
import { CREDENTIALS, pushAudience, schedulerAudience, startSecuredServices, type SecuredServices } from "../support/secured-services.ts";
import { startChatWebhookReceiver, startSmtpSink, type ChatWebhookReceiver, type SmtpSink } from "@crm-sync/testing";

/** Synthetic secrets, each distinctive enough that any trace of it in output is a leak. */
const PORTAL_USERNAME = "frontdesk.leak-check@example.test";
const PORTAL_PASSWORD = "Portal-Pässwörd-รหัส-Zq7!x";
const SMTP = { user: "alerts-smtp-user", pass: "Smtp-Secret-Ko93-DO-NOT-LOG" };
/** The chat webhook's secret path segment: the URL is the credential. */
const CHAT_WEBHOOK_SECRET = "ChatWebhookSecretLeakCheck9Qz";
const REQUESTED_BY = "Khun Pimchanok Requesterson";
const PORTAL_CUSTOMERS = { seed: 4242, count: 60 };

/** A file that fails the load: most rows break the rules, and every row carries personal data. */
const REJECTED_ROWS: ExportRow[] = [
  { name: "Quenby Marchetti-Voss", phone: "0823456781", email: "quenby.voss@example.test", address: "77/1 Soi Leakcheck, Bangkok 10110", joined: "31/13/2021" },
  { name: "Ophira Lindqvist-Tan", phone: "0834567812", email: "ophira.lt@example.test", address: "12 Moo 9 Testville, Chiang Mai 50000", joined: "2021-03-04" },
  { name: "Thaddeus Okonkwo-Rit", phone: "+66 84 567 8123", email: "thad.okr@example.test", address: "9 Sukhumvit Soi Nowhere 101", joined: "01/01/2020", points: "12,34" },
  { name: "Wilhelmina Sato-Chai", phone: "0856781234", email: "willa.sc@example.test", address: "400 Rama IV Leak Tower", joined: "01/02/2020", birth: "99/99/1999" },
  { name: "Ximena Thongchai-Ruiz", phone: "0867812345", email: "ximena.tr@example.test", address: "3/3 Ladprao Synthetic Road", joined: "15/06/2019" },
];
/** A file that cannot even be parsed: an unterminated quote in a row of personal data. */
const MALFORMED_ROW: ExportRow = { name: "Zebulon Achterberg-Nok", phone: "0878123456", email: "zeb.an@example.test", address: "55 Unterminated Lane", joined: "02/02/2022" };

describe.skipIf(gate("Postgres", await postgresMissing()) || gate("Chromium", chromiumMissing()))(
  "no secret or personal data reaches a log line or an email",
  () => {
    let dir: string;
    let database: TestDatabase;
    let db: Database;
    let bus: InMemoryBus;
    let browser: Browser;
    let portal: RunningFakePortal;
    let sink: SmtpSink;
    let chat: ChatWebhookReceiver;
    let services: SecuredServices;
    const logs = createLogCapture();
    const events: SyncEvent[] = [];
    const presented: string[] = [];
    let blobs: FileBlobStore;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "crm-sync-leak-check-"));
      database = await createTestDatabase("crm_sync_leaks");
      db = await openDatabase(database.url, { logger: logs.logger("db") });
      await migrate(db);
      bus = new InMemoryBus({ logger: logs.logger("bus"), backoff: { minMs: 5, maxMs: 20 } });
      for (const topic of ALL_TOPICS) {
        await bus.subscribe(topic, `observer.${topic}`, async ({ event }) => {
          events.push(event);
          return "ack";
        });
      }
      blobs = new FileBlobStore({ root: join(dir, "blobs"), bucket: "crm-exports-leaks" });
      browser = (await launchChromium()) as unknown as Browser;
      portal = await startFakePortal({ username: PORTAL_USERNAME, password: PORTAL_PASSWORD, customers: PORTAL_CUSTOMERS });
      sink = await startSmtpSink({ credentials: SMTP });
      chat = await startChatWebhookReceiver({ secret: CHAT_WEBHOOK_SECRET });
      // The first post fails: the failure path (a queued, retried message) is logged and scanned too.
      chat.answers.push(503);
      services = await startSecuredServices({
        db,
        bus,
        blobs,
        logger: (service) => logs.logger(service),
        mailer: createSmtpMailer({ url: sink.url, from: "crm-sync@example.test", to: "oncall@example.test", attempts: 1, timeoutMs: 5_000 }),
        chat: { url: chat.url, attempts: 1, timeoutMs: 5_000 },
        portal: new QashierPortal({
          url: portal.url,
          username: PORTAL_USERNAME,
          password: PORTAL_PASSWORD,
          browser,
          deadlines: { elementMs: 5_000, navigationMs: 10_000, downloadMs: 15_000 },
          logger: logs.logger("scraper"),
        }),
        maxDeliveryAttempts: 1,
        // Guards are not under test here: the generated export must load whatever its quirks.
        limits: { maxRejectRatio: 0.2, maxDeleteRatio: 1 },
      });
      // Embedded wiring: every service pulls from the one in-memory bus.
      await services.trigger.trigger.subscribe();
      await services.scraper.scraper.subscribe();
      await services.loader.loader.subscribe();
      await services.notifier.notifier.start();
    });
    afterAll(async () => {
      await services?.close();
      await bus?.close();
      await portal?.stop();
      await browser?.close();
      await sink?.stop();
      await chat?.stop();
      await db?.close();
      await database?.drop();
      await rm(dir, { recursive: true, force: true });
    });

    const api = async (path: string, init: RequestInit = {}) =>
      await fetch(`${services.trigger.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${CREDENTIALS.apiToken}`, "content-type": "application/json", ...init.headers },
      });

    async function finished(runId: string): Promise<{ status: string; error: { code: string } | null }> {
      const run = await waitFor(
        async () => {
          const view = (await (await api(`/v1/syncs/${runId}`)).json()) as { status: string; error: { code: string } | null };
          return (view.status === "succeeded" || view.status === "failed") && view;
        },
        { timeoutMs: 60_000, what: `run ${runId} to finish` },
      );
      await bus.drain();
      return run;
    }

    const flushAlerts = () => services.notifier.notifier.flushOutbox();

    async function pressUpdate(): Promise<string> {
      const response = await api("/v1/syncs", { method: "POST", body: JSON.stringify({ trigger: "manual", requestedBy: REQUESTED_BY }) });
      expect(response.status).toBe(202);
      return ((await response.json()) as { run: { runId: string } }).run.runId;
    }

    async function announceFile(runId: string, bytes: Buffer): Promise<void> {
      const info = await blobs.put(`exports/customers/2026/11/27/${runId}.csv`, bytes, { contentType: "text/csv" });
      const object = { bucket: info.bucket, name: info.name, generation: info.generation, sha256: info.sha256, bytes: info.bytes };
      await bus.publish(makeEvent("csv-ready", runId, { object, rows: 0 }));
    }

    it("runs callers with wrong, forged and genuine credentials past every service", async () => {
      const wrong = ["Bearer api-token-never-issued-LEAKCHECK-1", `Basic ${Buffer.from(`admin:${CREDENTIALS.apiToken}`).toString("base64")}`];
      const forged = forgedIdTokens(services.apiKey, CREDENTIALS.apiAudience, CREDENTIALS.apiServiceAccount).map(([, token]) => `Bearer ${token}`);
      const genuineIdToken = signIdToken(services.apiKey, { aud: CREDENTIALS.apiAudience, email: CREDENTIALS.apiServiceAccount });
      presented.push(...wrong, ...forged, genuineIdToken);
      for (const authorization of [...wrong, ...forged]) {
        expect((await fetch(`${services.trigger.url}/v1/syncs`, { headers: { authorization } })).status).toBeGreaterThanOrEqual(401);
      }
      expect((await fetch(`${services.trigger.url}/v1/freshness`, { headers: { authorization: `Bearer ${genuineIdToken}` } })).status).toBe(200);
      expect((await fetch(`${services.trigger.url}/?token=${encodeURIComponent(CREDENTIALS.apiToken)}`)).status).toBe(200);
      expect((await fetch(`${services.trigger.url}/v1/syncs?token=${encodeURIComponent(CREDENTIALS.apiToken)}`)).status).toBe(401);

      const staleness = `${services.notifier.url}/v1/staleness-check`;
      expect((await fetch(staleness, { method: "POST", headers: { authorization: "Bearer notifier-token-never-issued-LEAKCHECK" } })).status).toBe(403);
      presented.push("notifier-token-never-issued-LEAKCHECK");

      // Push: a forged token, the API token in its place, and a genuine token carrying a message
      // that breaks the contract with a customer's details in it.
      const pushToken = signIdToken(services.pushKey, { aud: pushAudience("trigger"), email: CREDENTIALS.pushServiceAccount });
      presented.push(pushToken);
      const leaky = { ...makeEvent("sync-progress", "run-leak-invalid", { stage: "parsing", message: "Reading the export" }), data: { stage: "parsing", message: "x", customer: REJECTED_ROWS[0] } };
      const body = rawPushBody("sync-progress", JSON.stringify(leaky), { type: "sync-progress", runId: "run-leak-invalid" }, { messageId: "leak-1", service: "trigger" });
      expect(await postPush(services.trigger.url, "sync-progress", body, forged[0]?.slice("Bearer ".length))).toBe(403);
      expect(await postPush(services.trigger.url, "sync-progress", body, CREDENTIALS.apiToken)).toBe(403);
      expect(await postPush(services.trigger.url, "sync-progress", body, pushToken)).toBe(204);
    });

    it("fails a run when the portal refuses the password", async () => {
      portal.state.setVariant("wrong-credentials");
      const run = await finished(await pressUpdate());
      portal.state.setVariant("ok");
      expect(run).toMatchObject({ status: "failed", error: { code: "PORTAL_AUTH_FAILED" } });
    });

    it("logs in with the password, exports and loads the portal's customers", async () => {
      const run = await finished(await pressUpdate());
      expect(run).toMatchObject({ status: "succeeded" });
      const [loaded] = await db.sql<Array<{ n: number }>>`select count(*)::integer as n from crm_sync.customers where deleted_at is null`;
      expect(loaded?.n).toBeGreaterThan(PORTAL_CUSTOMERS.count * 0.8);
    });

    it("fails a load whose rows break the rules", async () => {
      await announceFile("run-leak-rejects", exportCsv(REJECTED_ROWS));
      expect(await finished("run-leak-rejects")).toMatchObject({ status: "failed", error: { code: "REJECT_RATIO_EXCEEDED" } });
    });

    it("fails a load that cannot be parsed", async () => {
      const good = exportCsv(REJECTED_ROWS.slice(4)).toString("utf8");
      const broken = Buffer.from(`${good}\n${exportLine(MALFORMED_ROW).replace(/"$/, "")}\n"LENGOLF","after the broken quote"`);
      await announceFile("run-leak-malformed", broken);
      expect(await finished("run-leak-malformed")).toMatchObject({ status: "failed", error: { code: "CSV_MALFORMED" } });
    });

    it("answers the scheduled staleness check", async () => {
      const token = signIdToken(services.pushKey, { aud: schedulerAudience("notifier"), email: CREDENTIALS.schedulerServiceAccount });
      presented.push(token);
      const response = await fetch(`${services.notifier.url}/v1/staleness-check`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
    });

    it("leaked none of it: not in any log line, email, chat message or status message", async ({ annotate }) => {
      await bus.drain();
      // The chat message the 503 left queued goes out on the next flush, as in production.
      await flushAlerts();
      const mails = await sink.parsed();
      // The scan means something only if the scenarios ran: every service spoke, emails went out.
      expect(mails.map((mail) => mail.subject)).toEqual([
        "[crm-sync] ซิงก์ข้อมูลลูกค้าไม่สำเร็จ | FAILED at scraping: PORTAL_AUTH_FAILED",
        expect.stringContaining("RECOVERED"),
        expect.stringContaining("REJECT_RATIO_EXCEEDED"),
        expect.stringContaining("CSV_MALFORMED"),
      ]);
      // The same alerts reached the chat room, once each (the first after a 503).
      expect(chat.posts.map((post) => post.status)).toEqual([503, ...mails.map(() => 200)]);
      expect(chat.delivered().map((text) => text.split("\n")[0]).sort()).toEqual(mails.map((mail) => `*${mail.subject ?? ""}*`).sort());
      expect(logs.records().some((record) => record["channel"] === "chat" && record["message"] === "alert not accepted yet; it stays queued")).toBe(true);
      const services = new Set(logs.records().map((record) => record["service"]));
      for (const service of ["trigger", "scraper", "loader", "notifier"]) expect(services).toContain(service);
      expect(portal.state.logins).toBeGreaterThanOrEqual(1);

      const watched: Watched[] = [
        { what: "portal password", text: PORTAL_PASSWORD },
        { what: "portal username", text: PORTAL_USERNAME },
        { what: "SMTP password", text: SMTP.pass },
        { what: "chat webhook secret", text: CHAT_WEBHOOK_SECRET },
        { what: "chat webhook URL", text: chat.url },
        { what: "API token", text: CREDENTIALS.apiToken },
        { what: "rotated API token", text: CREDENTIALS.rotatedApiToken },
        { what: "requester's name", text: REQUESTED_BY },
        ...presented.map((text) => ({ what: "a presented credential", text: text.replace(/^(Bearer|Basic) /, "") })),
        ...personalData(
          [...generateCustomers(PORTAL_CUSTOMERS)].map((c) => ({ name: c.customer, phone: c.contactNumber, email: c.email, address: c.address })),
          "loaded customer",
        ),
        ...personalData([...REJECTED_ROWS, MALFORMED_ROW], "rejected customer"),
      ];
      const outputs: Array<{ where: string; text: string }> = [
        ...logs.lines.map((text, i) => ({ where: `log line ${i + 1}`, text })),
        ...sink.received.map((raw, i) => ({ where: `email ${i + 1} (raw)`, text: raw.toString("utf8") })),
        ...mails.map((mail, i) => ({ where: `email ${i + 1} (decoded)`, text: `${mail.subject ?? ""}\n${mail.text ?? ""}\n${typeof mail.html === "string" ? mail.html : ""}` })),
        ...chat.posts.map((post, i) => ({ where: `chat post ${i + 1} (raw body)`, text: post.raw })),
        ...chat.delivered().map((text, i) => ({ where: `chat message ${i + 1}`, text })),
        ...events
          .filter((event) => event.type === "sync-progress" || event.type === "sync-failed")
          .map((event) => ({ where: `${event.type} message of ${event.runId}`, text: JSON.stringify(event.data) })),
      ];
      // The same matcher finds the loaded customers where they belong, so it can see what it looks for.
      const table = JSON.stringify(await db.sql`select customer_name, contact_number, email, address, phone_normalized from crm_sync.customers`);
      const loaded = watched.filter((w) => w.what.startsWith("loaded customer"));
      // (A national spelling of a number exported without its leading 0 is the only kind not stored.)
      expect(loaded.filter((w) => occurs(table, w)).length / loaded.length).toBeGreaterThan(0.95);
      const leaks = outputs.flatMap(({ where, text }) => watched.filter((w) => occurs(text, w)).map((w) => `${w.what} "${w.text}" in ${where}`));
      await annotate(
        `${logs.lines.length} log lines, ${mails.length} emails, ${chat.posts.length} chat posts, ${events.filter((event) => event.type === "sync-progress" || event.type === "sync-failed").length} status messages ` +
          `scanned for ${watched.length} secrets and personal values: ${leaks.length} found`,
      );
      expect(leaks).toEqual([]);
    });
  },
);
