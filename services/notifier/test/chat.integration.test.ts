import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { makeEvent, type ErrorCode, type FailureStage, type SyncCounts } from "@crm-sync/contracts";
import { createLogger } from "@crm-sync/logging";
import { startChatWebhookReceiver, startHarness, type Harness } from "./harness.ts";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const failed = (h: Harness, runId: string, code: ErrorCode, stage: FailureStage) =>
  makeEvent(
    "sync-failed",
    runId,
    { stage, code, retryable: false, message: "The portal refused the login.", destinationUntouched: true, artifacts: [], attempt: 1 },
    h.clock.now,
  );

const completed = (h: Harness, runId: string, counts: Partial<SyncCounts> = {}) =>
  makeEvent("sync-completed", runId, { counts: { rows: 1_200, inserted: 2, updated: 1, unchanged: 1_197, softDeleted: 0, revived: 0, rejected: 0, ...counts }, durationMs: 65_000 }, h.clock.now);

async function publishAndSettle(h: Harness, event: Parameters<Harness["bus"]["publish"]>[0]): Promise<void> {
  await h.bus.publish(event);
  await h.bus.drain();
}

const receiverOf = (h: Harness) => {
  if (h.chat === undefined) throw new Error("the harness was started without a chat receiver");
  return h.chat;
};

const chatRows = (h: Harness) =>
  h.db.sql<Array<{ kind: string; attempts: number; sent: boolean; gaveUp: boolean; lastError: string | null }>>`
    select kind, attempts, sent_at is not null as sent, gave_up_at is not null as "gaveUp", last_error as "lastError" from crm_sync.alert_chats order by id`;

describe("chat alerts over a real HTTP webhook, beside email over real SMTP", () => {
  it("posts one chat message per state change, the email's subject first, in Thai and English with the run page", async () => {
    const h = (harness = await startHarness({ chat: true }));
    await publishAndSettle(h, failed(h, "run-chat-1", "PORTAL_AUTH_FAILED", "scraping"));
    h.clock.advanceHours(1);
    await publishAndSettle(h, failed(h, "run-chat-2", "PORTAL_AUTH_FAILED", "scraping"));
    h.clock.advanceHours(1);
    await publishAndSettle(h, failed(h, "run-chat-3", "MASS_DELETE_HELD", "diffing"));
    h.clock.advanceHours(1);
    await publishAndSettle(h, completed(h, "run-chat-4"));
    h.clock.advanceHours(1);
    await publishAndSettle(h, completed(h, "run-chat-5"));

    const mails = await h.sink.parsed();
    const chats = receiverOf(h).delivered();
    expect(mails).toHaveLength(3);
    expect(chats.map((text) => text.split("\n")[0])).toEqual(mails.map((mail) => `*${mail.subject ?? ""}*`));
    expect(receiverOf(h).posts.map((post) => post.contentType)).toEqual(Array(3).fill("application/json; charset=UTF-8"));

    const [first, held, recovered] = chats;
    expect(first).toContain("เข้าสู่ระบบ Qashier ไม่ได้");
    expect(first).toContain("Could not sign in to Qashier");
    expect(first).toContain("หน้ารายการซิงก์ / Run page: https://crm-sync.example.test/runs/run-chat-1");
    expect(held).toContain("ผู้อนุมัติตรวจรายชื่อที่จะถูกลบในหน้ารายละเอียดการซิงก์");
    expect(held).toContain("An approver reviews the customers that would be removed on the run page");
    expect(held).toContain("https://crm-sync.example.test/runs/run-chat-3");
    expect(recovered).toContain("1,200 rows read");
    expect(recovered).toContain("https://crm-sync.example.test/runs/run-chat-4");
    expect((await chatRows(h)).map((row) => [row.kind, row.sent])).toEqual([
      ["failing", true],
      ["changed", true],
      ["recovered", true],
    ]);
  });

  it("delivers exactly one message through a webhook that answers 500 and then 200", async () => {
    const h = (harness = await startHarness({ chat: true }));
    receiverOf(h).answers.push(500);
    await publishAndSettle(h, failed(h, "run-chat-500", "EXPORT_TIMEOUT", "scraping"));
    await h.notifier.flushOutbox();

    expect(receiverOf(h).posts.map((post) => post.status)).toEqual([500, 200]);
    expect(receiverOf(h).delivered()).toHaveLength(1);
    expect(h.sink.received).toHaveLength(1);
  });

  it("sends the email while the webhook is down, and the chat message once when it is back, logging no part of the webhook's secret", async () => {
    const lines: string[] = [];
    const logger = createLogger({
      service: "notifier-test",
      level: "trace",
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString("utf8"));
          done();
        },
      }),
    });
    const h = (harness = await startHarness({ chat: true, logger }));
    const receiver = receiverOf(h);
    await receiver.stop();

    await publishAndSettle(h, failed(h, "run-chat-down", "DB_UNAVAILABLE", "committing"));
    expect((await h.sink.parsed()).map((mail) => mail.subject)).toEqual(["[crm-sync] ซิงก์ข้อมูลลูกค้าไม่สำเร็จ | FAILED at committing: DB_UNAVAILABLE"]);
    const [waiting] = await chatRows(h);
    expect(waiting).toMatchObject({ kind: "failing", sent: false, gaveUp: false, lastError: "ECONNREFUSED" });
    expect(waiting?.attempts).toBeGreaterThanOrEqual(1);
    // The event was acknowledged on the email alone: it is not redelivered, nothing is decided twice.
    expect(await h.db.sql`select 1 from crm_sync.processed_messages where consumer = 'notifier'`).toHaveLength(1);

    h.chat = await startChatWebhookReceiver({ port: receiver.port, posts: receiver.posts });
    await h.notifier.flushOutbox();
    await h.notifier.flushOutbox();
    h.clock.advanceHours(1);
    await publishAndSettle(h, completed(h, "run-chat-back"));

    const chats = h.chat.delivered();
    expect(chats.map((text) => text.split("\n")[0])).toEqual([
      "*[crm-sync] ซิงก์ข้อมูลลูกค้าไม่สำเร็จ | FAILED at committing: DB_UNAVAILABLE*",
      "*[crm-sync] ซิงก์ข้อมูลลูกค้ากลับมาสำเร็จแล้ว | RECOVERED: the customer sync succeeded again*",
    ]);
    expect(h.sink.received).toHaveLength(2);

    const log = lines.join("");
    expect(log).toContain('"channel":"chat"');
    expect(log).toContain("alert not accepted yet; it stays queued");
    expect(log).not.toContain("syntheticWebhookSecret0123");
    expect(log).not.toContain("/services/T0SYNTHETIC");
  });

  it("sends the recovery message on both channels, linking the rejected rows of a run that finished with some", async () => {
    const h = (harness = await startHarness({ chat: true }));
    await publishAndSettle(h, failed(h, "run-chat-rejects", "REJECT_RATIO_EXCEEDED", "parsing"));
    h.clock.advanceHours(1);
    await publishAndSettle(h, completed(h, "run-chat-some-rejects", { rejected: 7 }));

    const mails = await h.sink.parsed();
    const chats = receiverOf(h).delivered();
    expect(mails.map((mail) => mail.subject)).toEqual([
      "[crm-sync] ซิงก์ข้อมูลลูกค้าไม่สำเร็จ | FAILED at parsing: REJECT_RATIO_EXCEEDED",
      "[crm-sync] ซิงก์ข้อมูลลูกค้ากลับมาสำเร็จแล้ว | RECOVERED: the customer sync succeeded again",
    ]);
    expect(chats).toHaveLength(2);
    for (const [index, runId] of ["run-chat-rejects", "run-chat-some-rejects"].entries()) {
      const rejected = `แถวที่ถูกปฏิเสธ / Rejected rows: https://crm-sync.example.test/runs/${runId}#rejected`;
      expect(mails[index]?.text).toContain(rejected);
      expect(chats[index]).toContain(rejected);
    }
    expect(mails[1]?.text).toContain("Some rows were rejected: see them on the run page");
    expect(chats[1]).toContain("ถูกปฏิเสธ 7");
  });

  it("gives up a message the webhook refuses for good (a revoked webhook answers 404), so later ones still go out", async () => {
    const h = (harness = await startHarness({ chat: true }));
    receiverOf(h).answers.push(404);
    await publishAndSettle(h, failed(h, "run-chat-revoked", "CSV_MALFORMED", "parsing"));
    h.clock.advanceHours(1);
    await publishAndSettle(h, completed(h, "run-chat-after"));

    expect(receiverOf(h).posts.map((post) => post.status)).toEqual([404, 200]);
    expect((await chatRows(h)).map((row) => [row.kind, row.sent, row.gaveUp, row.lastError])).toEqual([
      ["failing", false, true, "HTTP 404"],
      ["recovered", true, false, null],
    ]);
    expect(h.sink.received).toHaveLength(2);
  });
});
