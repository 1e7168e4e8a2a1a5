import { afterEach, describe, expect, it } from "vitest";
import { makeEvent, type ErrorCode, type FailureStage } from "@crm-sync/contracts";
import { listen } from "@crm-sync/server";
import { RUNBOOK } from "../src/domain/runbook.ts";
import { waitFor } from "@crm-sync/testing";
import { schedulerToken, startHarness, type Harness } from "./harness.ts";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function failed(h: Harness, runId: string, code: ErrorCode, stage: FailureStage, destinationUntouched = true) {
  return makeEvent(
    "sync-failed",
    runId,
    {
      stage,
      code,
      retryable: false,
      message: "The portal refused the login.",
      destinationUntouched,
      artifacts: [{ kind: "screenshot", name: `artifacts/${runId}/failure.png`, url: `https://storage.example.test/crm-exports/artifacts/${runId}/failure.png` }],
      attempt: 1,
    },
    h.clock.now,
  );
}

function completed(h: Harness, runId: string) {
  const counts = { rows: 30, inserted: 2, updated: 1, unchanged: 27, softDeleted: 0, revived: 0, rejected: 0 };
  return makeEvent("sync-completed", runId, { counts, durationMs: 812 }, h.clock.now);
}

async function publishAndSettle(h: Harness, event: Parameters<Harness["bus"]["publish"]>[0]): Promise<void> {
  await h.bus.publish(event);
  await h.bus.drain();
}

describe("notifier alert emails over real SMTP", () => {
  it("sends one actionable email when a healthy pipeline first fails", async () => {
    const h = (harness = await startHarness());
    await publishAndSettle(h, failed(h, "run-first", "PORTAL_AUTH_FAILED", "scraping"));

    const mails = await h.sink.parsed();
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.subject).toBe("[crm-sync] ซิงก์ข้อมูลลูกค้าไม่สำเร็จ | FAILED at scraping: PORTAL_AUTH_FAILED");
    expect(mail?.to).toMatchObject({ text: "oncall@example.test" });
    expect(mail?.text).toContain(RUNBOOK.PORTAL_AUTH_FAILED);
    expect(mail?.text).toContain("The customer table was not changed");
    expect(mail?.text).toContain("No successful sync is on record.");
    expect(mail?.text).toContain("หน้ารายการซิงก์ / Run page: https://crm-sync.example.test/runs/run-first");
    expect(mail?.text).toContain("Screenshot: https://storage.example.test/crm-exports/artifacts/run-first/failure.png");
    expect(mail?.html).toContain("The customer table was not changed");
    expect(mail?.html).toContain('<a href="https://crm-sync.example.test/runs/run-first">');
  });

  it("sends nothing more while it keeps failing the same way, and a new email when the code changes", async () => {
    const h = (harness = await startHarness());
    await publishAndSettle(h, failed(h, "run-a", "PORTAL_AUTH_FAILED", "scraping"));
    h.clock.advanceHours(1);
    await publishAndSettle(h, failed(h, "run-b", "PORTAL_AUTH_FAILED", "scraping"));
    h.clock.advanceHours(1);
    await publishAndSettle(h, failed(h, "run-c", "PORTAL_AUTH_FAILED", "scraping"));
    expect(await h.sink.parsed()).toHaveLength(1);

    h.clock.advanceHours(1);
    await publishAndSettle(h, failed(h, "run-d", "MASS_DELETE_HELD", "diffing"));
    const mails = await h.sink.parsed();
    expect(mails.map((m) => m.subject)).toEqual([
      "[crm-sync] ซิงก์ข้อมูลลูกค้าไม่สำเร็จ | FAILED at scraping: PORTAL_AUTH_FAILED",
      "[crm-sync] พักไว้รอการอนุมัติ | FAILURE CHANGED at diffing: MASS_DELETE_HELD (was PORTAL_AUTH_FAILED)",
    ]);
    expect(mails[1]?.text).toContain(RUNBOOK.MASS_DELETE_HELD);
  });

  it("reminds once a day at most while the same failure goes on", async () => {
    const h = (harness = await startHarness());
    await publishAndSettle(h, failed(h, "run-day-1", "DB_UNAVAILABLE", "committing"));
    h.clock.advanceHours(23);
    await publishAndSettle(h, failed(h, "run-day-1b", "DB_UNAVAILABLE", "committing"));
    h.clock.advanceHours(1);
    await publishAndSettle(h, failed(h, "run-day-2", "DB_UNAVAILABLE", "committing"));
    expect((await h.sink.parsed()).map((m) => m.subject)).toEqual([
      "[crm-sync] ซิงก์ข้อมูลลูกค้าไม่สำเร็จ | FAILED at committing: DB_UNAVAILABLE",
      "[crm-sync] ซิงก์ข้อมูลลูกค้ายังไม่สำเร็จ | STILL FAILING at committing: DB_UNAVAILABLE",
    ]);
  });

  it("sends one recovery email on the next success, naming it the last good sync", async () => {
    const h = (harness = await startHarness());
    await publishAndSettle(h, failed(h, "run-broken", "CSV_HEADER_MISMATCH", "parsing"));
    h.clock.advanceHours(2);
    await publishAndSettle(h, completed(h, "run-fixed"));
    h.clock.advanceHours(2);
    await publishAndSettle(h, completed(h, "run-fine"));

    const mails = await h.sink.parsed();
    expect(mails.map((m) => m.subject)).toEqual(["[crm-sync] ซิงก์ข้อมูลลูกค้าไม่สำเร็จ | FAILED at parsing: CSV_HEADER_MISMATCH", "[crm-sync] ซิงก์ข้อมูลลูกค้ากลับมาสำเร็จแล้ว | RECOVERED: the customer sync succeeded again"]);
    expect(mails[1]?.text).toContain("run run-fixed succeeded");
    expect(mails[1]?.text).toContain("30 rows read, 2 inserted, 1 updated, 27 unchanged");

    h.clock.advanceHours(1);
    await publishAndSettle(h, failed(h, "run-again", "CSV_HEADER_MISMATCH", "parsing", false));
    const again = (await h.sink.parsed())[2];
    expect(again?.subject).toBe("[crm-sync] ซิงก์ข้อมูลลูกค้าไม่สำเร็จ | FAILED at parsing: CSV_HEADER_MISMATCH");
    expect(again?.text).toMatch(/Last good sync\n {2}.*, run run-fine\./);
    expect(again?.text).toContain("may have been changed by this run");
  });

  it("alerts on every message a subscription dead-letters", async () => {
    const h = (harness = await startHarness());
    await h.bus.subscribe("sync-progress", "stuck-consumer.sync-progress", async () => "retry", { maxDeliveryAttempts: 3 });
    await publishAndSettle(h, makeEvent("sync-progress", "run-stuck", { stage: "parsing", message: "Reading the export" }));
    await publishAndSettle(h, makeEvent("sync-progress", "run-stuck-2", { stage: "parsing", message: "Reading the export" }));

    const mails = await h.sink.parsed();
    expect(mails.map((m) => m.subject)).toEqual([
      "[crm-sync] มีข้อความในระบบซิงก์ค้างอยู่ | DEAD LETTER from stuck-consumer.sync-progress: a message is stuck",
      "[crm-sync] มีข้อความในระบบซิงก์ค้างอยู่ | DEAD LETTER from stuck-consumer.sync-progress: a message is stuck",
    ]);
    expect(mails[0]?.text).toContain("on topic sync-progress could not be handled after 3 delivery attempts");
    expect(mails[0]?.text).toContain("Run: run-stuck.");
    expect(mails[1]?.text).toContain("Run: run-stuck-2.");
  });
});

describe("staleness watch", () => {
  it("alerts once when no sync succeeded for STALE_AFTER and once when fresh again", async () => {
    const h = (harness = await startHarness());
    await publishAndSettle(h, completed(h, "run-monday"));
    h.clock.advanceHours(25);
    expect(await h.notifier.checkStaleness()).toMatchObject({ stale: false, alert: null });

    h.clock.advanceHours(2);
    const stale = await h.notifier.checkStaleness();
    expect(stale).toMatchObject({ stale: true, alert: "stale", lastSuccess: { runId: "run-monday" } });

    const server = await listen(h.notifier.app, 0);
    try {
      const url = `${server.url}/v1/staleness-check`;
      expect((await fetch(url, { method: "POST" })).status).toBe(401);
      expect((await fetch(url, { method: "POST", headers: { authorization: "Bearer wrong-token-wrong-token" } })).status).toBe(403);
      const intruder = schedulerToken({ email: "intruder@crm-sync-test.iam.gserviceaccount.com" });
      expect((await fetch(url, { method: "POST", headers: { authorization: `Bearer ${intruder}` } })).status).toBe(403);
      const otherAudience = schedulerToken({ aud: "https://trigger.example.test" });
      expect((await fetch(url, { method: "POST", headers: { authorization: `Bearer ${otherAudience}` } })).status).toBe(403);
      const scheduled = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${schedulerToken()}` } });
      expect(scheduled.status).toBe(200);
      expect(await scheduled.json()).toMatchObject({ stale: true, alert: null, lastSuccessRunId: "run-monday" });
    } finally {
      await server.close();
    }
    expect((await h.sink.parsed()).map((m) => m.subject)).toEqual(["[crm-sync] ไม่มีการซิงก์ที่สำเร็จนานเกิน 26 ชั่วโมง | STALE: no successful customer sync for 26 hours"]);

    h.clock.advanceHours(1);
    await publishAndSettle(h, completed(h, "run-tuesday"));
    const mails = await h.sink.parsed();
    expect(mails.map((m) => m.subject)).toEqual([
      "[crm-sync] ไม่มีการซิงก์ที่สำเร็จนานเกิน 26 ชั่วโมง | STALE: no successful customer sync for 26 hours",
      "[crm-sync] ข้อมูลลูกค้าเป็นปัจจุบันแล้ว | FRESH: customer data is up to date again",
    ]);
    expect(mails[0]?.text).toContain("Press Update Customer Data");
    expect(mails[1]?.text).toContain("run run-tuesday");
  });

  it("counts the run ledger's last success too, whichever is newer", async () => {
    const h = (harness = await startHarness());
    const insertRun = (id: string, finishedAt: Date) =>
      h.db.sql`insert into crm_sync.runs (id, trigger, status, stage, finished_at) values (${id}, 'schedule', 'succeeded', 'committing', ${finishedAt})`;
    await insertRun("run-ledger-old", new Date(h.clock.now.getTime() - 30 * 3_600_000));
    expect(await h.notifier.checkStaleness()).toMatchObject({ stale: true, alert: "stale", lastSuccess: { runId: "run-ledger-old" } });

    await insertRun("run-ledger-new", new Date(h.clock.now.getTime() - 3_600_000));
    expect(await h.notifier.checkStaleness()).toMatchObject({ stale: false, alert: "fresh", lastSuccess: { runId: "run-ledger-new" } });
    expect((await h.sink.parsed()).map((m) => m.subject)).toEqual([
      "[crm-sync] ไม่มีการซิงก์ที่สำเร็จนานเกิน 26 ชั่วโมง | STALE: no successful customer sync for 26 hours",
      "[crm-sync] ข้อมูลลูกค้าเป็นปัจจุบันแล้ว | FRESH: customer data is up to date again",
    ]);
  });

  it("runs the check on its own interval", async () => {
    const h = (harness = await startHarness({ staleCheckIntervalMs: 200 }));
    await h.db.sql`insert into crm_sync.runs (id, trigger, status, stage, finished_at)
      values ('run-long-ago', 'schedule', 'succeeded', 'committing', ${new Date(h.clock.now.getTime() - 48 * 3_600_000)})`;
    await waitFor(() => h.sink.received.length === 1, { what: "the stale email from the interval" });
    const [mail] = await h.sink.parsed();
    expect(mail?.subject).toBe("[crm-sync] ไม่มีการซิงก์ที่สำเร็จนานเกิน 26 ชั่วโมง | STALE: no successful customer sync for 26 hours");
  });
});
