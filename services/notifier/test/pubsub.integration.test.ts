import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEAD_LETTER_TOPIC, makeEvent, subscriptionName } from "@crm-sync/contracts";
import { createOidcVerifier, createPubSubClient, provisionTopology, PubSubBus, serviceSubscriptionSpecs } from "@crm-sync/bus";
import { migrate, openDatabase } from "@crm-sync/db";
import { listen } from "@crm-sync/server";
import { gate, pubsubEmulatorMissing, startPubSubEmulator, waitFor, type PubSubEmulator } from "@crm-sync/testing";
import { createNotifier, createSmtpMailer } from "../src/app.ts";
import { ALERT_FROM, ALERT_TO, quietLogger, startSmtpSink } from "./harness.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const failure = (runId: string) =>
  makeEvent("sync-failed", runId, {
    stage: "scraping",
    code: "PORTAL_UNAVAILABLE",
    retryable: true,
    message: "The portal did not answer.",
    destinationUntouched: true,
    artifacts: [],
    attempt: 3,
  });

/** A notifier on a fresh PGlite and a real SMTP server; the bus or push routes are the test's. */
async function notifierParts() {
  const logger = quietLogger();
  const db = await openDatabase("pglite://memory", { logger });
  await migrate(db);
  const sink = await startSmtpSink();
  const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${sink.port}`, from: ALERT_FROM, to: ALERT_TO, attempts: 1, timeoutMs: 2_000 });
  cleanups.push(async () => {
    await sink.stop();
    await db.close();
  });
  return { logger, db, sink, mailer, links: { dashboardUrl: "https://crm-sync.example.test/", traceUrlTemplate: null } };
}

describe.skipIf(gate("Pub/Sub emulator", pubsubEmulatorMissing()))("notifier on the Pub/Sub emulator", () => {
  let emulator: PubSubEmulator;
  beforeAll(async () => {
    emulator = await startPubSubEmulator();
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it("pulls sync-failed and dead letters from its provisioned subscriptions and emails them", async () => {
    const parts = await notifierParts();
    const projectId = `${emulator.projectId}-pull`;
    const client = createPubSubClient({ projectId, emulatorHost: emulator.host });
    const notifierSubscriptions = serviceSubscriptionSpecs().filter((spec) => spec.name.startsWith("notifier."));
    await provisionTopology(client, { subscriptions: notifierSubscriptions });
    const bus = new PubSubBus({ projectId, logger: parts.logger, client });
    const notifier = createNotifier({ db: parts.db, mailer: parts.mailer, logger: parts.logger, links: parts.links, bus });
    await notifier.start();
    cleanups.push(async () => {
      await notifier.stop();
      await bus.close();
    });

    await bus.publish(failure("run-pulled"));
    await waitFor(() => parts.sink.received.length === 1, { timeoutMs: 60_000, what: "the failure email" });
    // As Pub/Sub forwards a message that ran out of delivery attempts.
    await bus.publishRaw(DEAD_LETTER_TOPIC, JSON.stringify(failure("run-stuck")), {
      type: "sync-failed",
      runId: "run-stuck",
      CloudPubSubDeadLetterSourceSubscription: `projects/${projectId}/subscriptions/trigger.sync-failed`,
      CloudPubSubDeadLetterSourceDeliveryCount: "5",
    });
    await waitFor(() => parts.sink.received.length === 2, { timeoutMs: 60_000, what: "the dead-letter email" });

    const mails = await parts.sink.parsed();
    expect(mails.map((m) => m.subject)).toEqual([
      "[crm-sync] ซิงก์ข้อมูลลูกค้าไม่สำเร็จ | FAILED at scraping: PORTAL_UNAVAILABLE",
      "[crm-sync] มีข้อความในระบบซิงก์ค้างอยู่ | DEAD LETTER from trigger.sync-failed: a message is stuck (PORTAL_UNAVAILABLE)",
    ]);
    expect(mails[1]?.text).toContain("after 5 delivery attempts");
  });

  it("takes push deliveries and is redelivered by Pub/Sub until the mail server accepts", async () => {
    const parts = await notifierParts();
    const projectId = `${emulator.projectId}-push`;
    const client = createPubSubClient({ projectId, emulatorHost: emulator.host });
    const notifier = createNotifier({
      db: parts.db,
      mailer: parts.mailer,
      logger: parts.logger,
      links: parts.links,
      push: { verifier: createOidcVerifier({ enabled: false }) },
    });
    const server = await listen(notifier.app, 0);
    const publisher = new PubSubBus({ projectId, logger: parts.logger, client });
    cleanups.push(async () => {
      await publisher.close();
      await server.close(1000);
      await notifier.stop();
    });
    const spec = serviceSubscriptionSpecs({ serviceUrls: { notifier: server.url }, minBackoffSeconds: 1, maxBackoffSeconds: 2, maxDeliveryAttempts: 100 }).find(
      (s) => s.name === subscriptionName("notifier", "sync-failed"),
    );
    if (spec === undefined) throw new Error("no notifier.sync-failed subscription in the topology");
    await provisionTopology(client, { subscriptions: [spec] });

    const port = parts.sink.port;
    await parts.sink.stop();
    await publisher.publish(failure("run-pushed"));
    await waitFor(async () => {
      const [row] = await parts.db.sql<{ attempts: number }[]>`select attempts from crm_sync.alert_emails`;
      return (row?.attempts ?? 0) >= 2;
    }, { timeoutMs: 60_000, what: "two push deliveries refused while SMTP is down" });

    const sink = await startSmtpSink({ port, received: parts.sink.received });
    cleanups.push(() => sink.stop());
    await waitFor(() => sink.received.length === 1, { timeoutMs: 60_000, what: "the email once SMTP is back" });
    await waitFor(async () => {
      const [row] = await parts.db.sql<{ sent_at: Date | null }[]>`select sent_at from crm_sync.alert_emails`;
      return row?.sent_at != null;
    }, { what: "the email recorded as sent" });
    expect((await sink.parsed()).map((m) => m.subject)).toEqual(["[crm-sync] ซิงก์ข้อมูลลูกค้าไม่สำเร็จ | FAILED at scraping: PORTAL_UNAVAILABLE"]);
  });
});
