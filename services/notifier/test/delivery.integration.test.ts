import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { afterEach, describe, expect, it } from "vitest";
import { makeEvent, DEAD_LETTER_TOPIC } from "@crm-sync/contracts";
import { listen } from "@crm-sync/server";
import { createTestDatabase, gate, postgresMissing, waitFor } from "@crm-sync/testing";
import { createOidcVerifier } from "@crm-sync/bus";
import { createEmlOutboxMailer, createNotifier, createSmtpMailer } from "../src/app.ts";
import { ALERT_FROM, ALERT_TO, mailText, quietLogger, startHarness, startSmtpSink, type Harness } from "./harness.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function harnessFor(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  const h = await startHarness(options);
  cleanups.push(() => h.close());
  return h;
}

const portalAuthFailed = (h: Harness, runId: string, message = "The portal refused the login.") =>
  makeEvent(
    "sync-failed",
    runId,
    { stage: "scraping", code: "PORTAL_AUTH_FAILED", retryable: false, message, destinationUntouched: true, artifacts: [], attempt: 1 },
    h.clock.now,
  );

describe("exactly-once-ish delivery", () => {
  it("keeps retrying while SMTP is down and delivers the email exactly once when it is back", async () => {
    const h = await harnessFor();
    const port = h.sink.port;
    await h.sink.stop();

    await h.bus.publish(portalAuthFailed(h, "run-smtp-down"));
    // The bus redelivers with backoff: wait until the email has been tried several times.
    await waitFor(async () => {
      const [row] = await h.db.sql<{ attempts: number }[]>`select attempts from crm_sync.alert_emails`;
      return (row?.attempts ?? 0) >= 3;
    }, { what: "three failed send attempts" });
    expect(h.sink.received).toHaveLength(0);

    h.sink = await startSmtpSink({ port, received: h.sink.received });
    await waitFor(() => h.sink.received.length > 0, { what: "the email after SMTP came back" });
    await h.bus.drain();
    // A later message flushes the outbox again: still nothing twice.
    await h.notifier.flushOutbox();

    const mails = await h.sink.parsed();
    expect(mails.map((m) => m.subject)).toEqual(["[crm-sync] ซิงก์ข้อมูลลูกค้าไม่สำเร็จ | FAILED at scraping: PORTAL_AUTH_FAILED"]);
  });

  it("sends nothing twice when the same event is delivered again", async () => {
    const h = await harnessFor();
    const event = portalAuthFailed(h, "run-redelivered");
    await h.bus.publish(event);
    await h.bus.publish(event);
    await h.bus.drain();
    const again = await h.notifier.handlers.syncFailed({ event, attributes: { type: event.type, runId: event.runId }, messageId: "m-3", deliveryAttempt: 2 });

    expect(again).toBe("ack");
    expect(h.sink.received).toHaveLength(1);
  });

  it("alerts once for a dead letter that is delivered twice", async () => {
    const h = await harnessFor();
    const message = {
      messageId: "880001",
      data: Buffer.from(JSON.stringify({ not: "an event" })),
      attributes: { runId: "run-dead", CloudPubSubDeadLetterSourceSubscription: "loader.csv-ready", CloudPubSubDeadLetterSourceDeliveryCount: "5" },
      publishTime: new Date(),
    };
    expect(await h.notifier.handlers.deadLetter({ ...message, deliveryAttempt: 1 })).toBe("ack");
    expect(await h.notifier.handlers.deadLetter({ ...message, deliveryAttempt: 2 })).toBe("ack");
    const mails = await h.sink.parsed();
    expect(mails.map((m) => m.subject)).toEqual(["[crm-sync] มีข้อความในระบบซิงก์ค้างอยู่ | DEAD LETTER from loader.csv-ready: a message is stuck"]);
  });

  it("gives up an email the server refuses for good, so later alerts still go out", async () => {
    const h = await harnessFor();
    h.sink.refuseRecipients = true;
    await h.bus.publish(portalAuthFailed(h, "run-refused"));
    await h.bus.drain();
    expect(h.sink.received).toHaveLength(0);

    h.sink.refuseRecipients = false;
    h.clock.advanceHours(1);
    await h.bus.publish(
      makeEvent(
        "sync-failed",
        "run-after-refusal",
        { stage: "committing", code: "DB_ERROR", retryable: false, message: "x", destinationUntouched: true, artifacts: [], attempt: 1 },
        h.clock.now,
      ),
    );
    await h.bus.drain();
    const mails = await h.sink.parsed();
    expect(mails.map((m) => m.subject)).toEqual(["[crm-sync] ปัญหาการซิงก์เปลี่ยนไป | FAILURE CHANGED at committing: DB_ERROR (was PORTAL_AUTH_FAILED)"]);
  });

  it("answers Pub/Sub push requests: 500 while the email is not accepted, 204 once it is", async () => {
    const h = await harnessFor();
    const notifier = createNotifier({
      db: h.db,
      mailer: createSmtpMailerFor(h.sink.port),
      logger: quietLogger(),
      clock: () => h.clock.now,
      links: { dashboardUrl: "https://crm-sync.example.test/", traceUrlTemplate: null },
      push: { verifier: createOidcVerifier({ enabled: false }) },
    });
    const server = await listen(notifier.app, 0);
    cleanups.push(async () => {
      await server.close();
      await notifier.stop();
    });
    const event = portalAuthFailed(h, "run-push");
    const push = (deliveryAttempt: number) =>
      fetch(`${server.url}/pubsub/sync-failed`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          message: {
            data: Buffer.from(JSON.stringify(event)).toString("base64"),
            attributes: { type: event.type, runId: event.runId, traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
            messageId: "push-1",
            publishTime: new Date().toISOString(),
          },
          subscription: "projects/crm-sync-test/subscriptions/notifier.sync-failed",
          deliveryAttempt,
        }),
      });

    const port = h.sink.port;
    await h.sink.stop();
    expect((await push(1)).status).toBe(500);
    h.sink = await startSmtpSink({ port, received: h.sink.received });
    expect((await push(2)).status).toBe(204);
    expect((await push(3)).status).toBe(204);

    const mails = await h.sink.parsed();
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain("Trace id: 0af7651916cd43dd8448eb211c80319c");
    const deadLetterPath = await fetch(`${server.url}/pubsub/${DEAD_LETTER_TOPIC}`, { method: "POST", body: "{}" });
    expect(deadLetterPath.status).toBe(204);
  });
});

describe("embedded outbox", () => {
  it("writes each alert as an .eml file a mail app can open", async () => {
    const dir = await mkdtemp(join(tmpdir(), "crm-sync-outbox-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const h = await harnessFor({ mailer: () => createEmlOutboxMailer({ dir, from: ALERT_FROM, to: ALERT_TO }) });
    await h.bus.publish(portalAuthFailed(h, "run-embedded"));
    await h.bus.drain();

    const files = (await readdir(dir)).filter((name) => name.endsWith(".eml"));
    expect(files).toEqual([expect.stringMatching(/^20261126T190000Z-alert-\d+-failing\.eml$/)]);
    const mail = await simpleParser(await readFile(join(dir, files[0] ?? "")));
    expect(mail.subject).toBe("[crm-sync] ซิงก์ข้อมูลลูกค้าไม่สำเร็จ | FAILED at scraping: PORTAL_AUTH_FAILED");
    expect(mail.from?.text).toBe(ALERT_FROM);
    expect(mail.to).toMatchObject({ text: ALERT_TO });
    expect(mail.messageId).toMatch(/^<crm-sync-alert-\d+-\d+@crm-sync\.invalid>$/);
    expect(mail.text).toContain("The customer table was not changed");
    expect(mail.html).toContain("<h2");
  });
});

describe("personal data", () => {
  const PERSONAL = ["0812345678", "+66 81 234 5678", "somchai.k@example.com", "Somchai Jaidee", "hunter2-Sup3r"];

  it("never lets a phone, email address, name or password from the run reach an email", async () => {
    const h = await harnessFor();
    const leaky = `Login as somchai.k@example.com with password hunter2-Sup3r failed for Somchai Jaidee (0812345678, +66 81 234 5678)`;
    await h.bus.publish(
      makeEvent(
        "sync-failed",
        "run-leaky",
        {
          stage: "committing",
          code: "DB_ERROR",
          retryable: false,
          message: leaky,
          destinationUntouched: true,
          artifacts: [
            { kind: "html", name: "Somchai Jaidee.html", url: "https://storage.example.test/artifacts/run-leaky/0812345678.html" },
            { kind: "screenshot", name: "shot.png", url: "https://admin:hunter2-Sup3r@storage.example.test/shot.png" },
            { kind: "trace", name: "trace.zip", url: "https://storage.example.test/t.zip?owner=somchai.k@example.com" },
          ],
          attempt: 1,
        },
        h.clock.now,
      ),
    );
    await h.bus.drain();
    // The same data inside a message that gets dead-lettered.
    await h.bus.subscribe("sync-progress", "leaky-consumer.sync-progress", async () => "retry", { maxDeliveryAttempts: 2 });
    await h.bus.publish(makeEvent("sync-progress", "run-leaky", { stage: "parsing", message: leaky }));
    await h.bus.drain();
    h.clock.advanceHours(1);
    await h.bus.publish(makeEvent("sync-completed", "run-leaky-2", { counts: { rows: 1, inserted: 1, updated: 0, unchanged: 0, softDeleted: 0, revived: 0, rejected: 0 }, durationMs: 5 }, h.clock.now));
    await h.bus.drain();

    const mails = await h.sink.parsed();
    expect(mails.map((m) => m.subject)).toEqual([
      "[crm-sync] ซิงก์ข้อมูลลูกค้าไม่สำเร็จ | FAILED at committing: DB_ERROR",
      "[crm-sync] มีข้อความในระบบซิงก์ค้างอยู่ | DEAD LETTER from leaky-consumer.sync-progress: a message is stuck",
      "[crm-sync] ซิงก์ข้อมูลลูกค้ากลับมาสำเร็จแล้ว | RECOVERED: the customer sync succeeded again",
    ]);
    for (const [index, mail] of mails.entries()) {
      const everything = `${mailText(mail)}\n${h.sink.received[index]?.toString("utf8") ?? ""}`;
      for (const value of PERSONAL) expect(everything, `email ${index} leaks ${value}`).not.toContain(value);
    }
    expect(mails[0]?.text).toContain("3 artifact link(s) withheld");
  });
});

const postgresGap = await postgresMissing();

describe.skipIf(gate("Postgres", postgresGap))("on real Postgres", () => {
  it("sends the first failure once, however often it is delivered", async () => {
    const database = await createTestDatabase("crm_sync_notifier");
    cleanups.push(() => database.drop());
    const h = await harnessFor({ databaseUrl: database.url });
    const event = portalAuthFailed(h, "run-postgres");
    await Promise.all([h.bus.publish(event), h.bus.publish(event), h.bus.publish(event)]);
    await h.bus.drain();
    const mails = await h.sink.parsed();
    expect(mails.map((m) => m.subject)).toEqual(["[crm-sync] ซิงก์ข้อมูลลูกค้าไม่สำเร็จ | FAILED at scraping: PORTAL_AUTH_FAILED"]);
  });
});

function createSmtpMailerFor(port: number) {
  return createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: ALERT_FROM, to: ALERT_TO, attempts: 1, timeoutMs: 2_000 });
}
