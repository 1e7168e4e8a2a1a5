import { ERROR_CODES, type ErrorCode } from "@crm-sync/contracts";
import { FAILURE_TEXT } from "@crm-sync/messages";
import { encode } from "html-entities";
import { describe, expect, it } from "vitest";
import type { AlertFacts } from "./alert-facts.ts";
import { renderAlertEmail } from "./email.ts";
import { RUNBOOK } from "./runbook.ts";
import { rejectedRowsLink, runLink, safeLink, traceIdOf } from "./safe-link.ts";

const links = { dashboardUrl: "https://crm-sync.example.test/", traceUrlTemplate: "https://console.example.test/traces?tid={traceId}&project=crm" };
const traceId = "0af7651916cd43dd8448eb211c80319c";

const base: AlertFacts = {
  kind: "failing",
  occurredAt: new Date("2026-11-26T19:00:00.000Z"),
  runId: "run-2026-11-26",
  stage: "scraping",
  code: "PORTAL_AUTH_FAILED",
  previousCode: null,
  since: new Date("2026-11-26T19:00:00.000Z"),
  attempt: 1,
  destinationUntouched: true,
  counts: null,
  durationMs: null,
  requestKind: null,
  lastSuccess: { at: new Date("2026-11-25T19:00:00.000Z"), runId: "run-2026-11-25" },
  traceId,
  artifacts: [
    { kind: "screenshot", url: "https://storage.example.test/crm-exports/artifacts/run-2026-11-26/failure.png" },
    { kind: "trace", url: "https://storage.example.test/crm-exports/artifacts/run-2026-11-26/trace.zip" },
  ],
  deadLetter: null,
  staleAfterMs: 26 * 3_600_000,
};

const render = (patch: Partial<AlertFacts>) => renderAlertEmail({ ...base, ...patch }, links);
const THAI = /[\u0E00-\u0E7F]/;

describe("renderAlertEmail", () => {
  it("puts the stage and code in the subject of a failure", () => {
    expect(render({}).subject).toBe("[crm-sync] ซิงก์ข้อมูลลูกค้าไม่สำเร็จ | FAILED at scraping: PORTAL_AUTH_FAILED");
    expect(render({ kind: "changed", code: "DB_UNAVAILABLE", stage: "committing", previousCode: "PORTAL_AUTH_FAILED" }).subject).toBe(
      "[crm-sync] ปัญหาการซิงก์เปลี่ยนไป | FAILURE CHANGED at committing: DB_UNAVAILABLE (was PORTAL_AUTH_FAILED)",
    );
    expect(render({ kind: "reminder" }).subject).toBe("[crm-sync] ซิงก์ข้อมูลลูกค้ายังไม่สำเร็จ | STILL FAILING at scraping: PORTAL_AUTH_FAILED");
    expect(render({ kind: "recovered" }).subject).toBe("[crm-sync] ซิงก์ข้อมูลลูกค้ากลับมาสำเร็จแล้ว | RECOVERED: the customer sync succeeded again");
    expect(render({ kind: "stale" }).subject).toBe("[crm-sync] ไม่มีการซิงก์ที่สำเร็จนานเกิน 26 ชั่วโมง | STALE: no successful customer sync for 26 hours");
    expect(render({ kind: "fresh" }).subject).toBe("[crm-sync] ข้อมูลลูกค้าเป็นปัจจุบันแล้ว | FRESH: customer data is up to date again");
    const deadLetter = { sourceSubscription: "loader.csv-ready", topic: "csv-ready", messageId: "42", deliveryAttempts: 5 };
    expect(render({ kind: "dead-letter", code: null, stage: null, deadLetter }).subject).toBe(
      "[crm-sync] มีข้อความในระบบซิงก์ค้างอยู่ | DEAD LETTER from loader.csv-ready: a message is stuck",
    );
    expect(render({ code: "MASS_DELETE_HELD", stage: "diffing" }).subject).toBe("[crm-sync] พักไว้รอการอนุมัติ | FAILED at diffing: MASS_DELETE_HELD");
  });

  it.each(Object.keys(ERROR_CODES) as ErrorCode[])("says %s in plain Thai and English words, with what to do, and gives the engineer's runbook line", (code) => {
    const email = render({ code });
    const text = FAILURE_TEXT[code];
    for (const [body, as] of [[email.text, (words: string) => words], [email.html, (words: string) => encode(words, { mode: "specialChars" })]] as const) {
      for (const words of [text.what.th, text.todo.th, text.what.en, text.todo.en]) expect(body).toContain(as(words));
      expect(body).toContain(`(รหัส ${code})`);
      expect(body).toContain(`Error code ${code}:`);
    }
    // Thai first: the office reads it; the engineer scrolls on.
    expect(email.text.indexOf(text.what.th)).toBeLessThan(email.text.indexOf(text.what.en));
    expect(RUNBOOK[code].length).toBeGreaterThan(40);
    expect(email.text).toContain(RUNBOOK[code]);
    expect(email.html).toContain(RUNBOOK[code].replaceAll("'", "&apos;"));
    expect(email.html).toMatch(/<section lang="th">[\s\S]*<section lang="en">/);
  });

  it("tells what to do for the codes staff meet most", () => {
    expect(render({ code: "PORTAL_AUTH_FAILED" }).text).toMatch(/password .*update the portal password secret/);
    const held = render({ code: "MASS_DELETE_HELD", stage: "diffing" }).text;
    expect(held).toMatch(/Review the dry run .* approve/);
    expect(held).toContain("An approver reviews the customers that would be removed on the run page");
    expect(held).toContain("ผู้อนุมัติตรวจรายชื่อที่จะถูกลบในหน้ารายละเอียดการซิงก์");
    expect(held).not.toMatch(/approve endpoint|--allow-mass-delete/);
    expect(held).toContain("was held for approval during “Comparing with the customer table” (stage diffing)");
    expect(held).toContain("ถูกพักไว้ ระหว่างขั้นตอน “เปรียบเทียบกับข้อมูลลูกค้าเดิม” (diffing)");
  });

  it("says whether the customer table was left untouched", () => {
    expect(render({ destinationUntouched: true }).text).toContain("The customer table was not changed");
    expect(render({ destinationUntouched: true }).text).toContain("ข้อมูลลูกค้าไม่ถูกแก้ไข (ยังเป็นข้อมูลเดิมครบถ้วน)");
    expect(render({ destinationUntouched: false }).text).toContain("may have been changed by this run");
    expect(render({ destinationUntouched: false }).text).toContain("ข้อมูลลูกค้าอาจถูกแก้ไขบางส่วน");
    expect(render({ destinationUntouched: null }).text).toContain("cannot be told");
    expect(render({ destinationUntouched: null }).text).toContain("ยังไม่ทราบว่าข้อมูลลูกค้าถูกแก้ไขหรือไม่");
  });

  it("says in plain words what happened and when the last good sync was, in Bangkok time, Thai dates in the Buddhist era", () => {
    const text = render({}).text;
    expect(text).toContain("failed during “Exporting customers from Qashier” (stage scraping)");
    expect(text).toContain("at 27 Nov 2026, 02:00 Bangkok time (2026-11-26 19:00 UTC), attempt 1.");
    expect(text).toContain("(รอบ run-2026-11-26) ไม่สำเร็จ ระหว่างขั้นตอน “ส่งออกรายชื่อลูกค้าจาก Qashier” (scraping) เมื่อ 27 พ.ย. 2569 02:00 น. (เวลากรุงเทพฯ) ครั้งที่ 1");
    expect(text).toMatch(/Last good sync\n {2}26 Nov 2026, 02:00 Bangkok time \(2026-11-25 19:00 UTC\), run run-2026-11-25\./);
    expect(text).toMatch(/ซิงก์สำเร็จครั้งล่าสุด\n {2}26 พ\.ย\. 2569 02:00 น\. \(เวลากรุงเทพฯ\) รอบ run-2026-11-25/);
    expect(render({ lastSuccess: null }).text).toContain("No successful sync is on record.");
    expect(render({ lastSuccess: null }).text).toContain("ยังไม่มีการซิงก์ที่สำเร็จ");
  });

  it("names what requested the run in words, its code beside them, never alone", () => {
    const text = render({ requestKind: "schedule" }).text;
    expect(text).toContain("ผู้สั่งให้ซิงก์: รอบอัตโนมัติประจำวัน (schedule)");
    expect(text).toContain("Requested by: Daily schedule (schedule)");
    expect(render({ requestKind: "unknown" }).text).toContain("Requested by: Not known (unknown)");
    expect(render({ requestKind: null }).text).not.toContain("Requested by");
  });

  it("writes both languages for every kind of alert", () => {
    const deadLetter = { sourceSubscription: "loader.csv-ready", topic: "csv-ready", messageId: "42", deliveryAttempts: 5 };
    for (const kind of ["failing", "changed", "reminder", "recovered", "dead-letter", "stale", "fresh"] as const) {
      const { subject, text } = render({ kind, deadLetter });
      const [thai, english] = subject.replace("[crm-sync] ", "").split(" | ");
      expect(thai, kind).toMatch(THAI);
      expect(english, kind).not.toMatch(THAI);
      for (const heading of ["เกิดอะไรขึ้น", "สิ่งที่ต้องทำ", "What happened", "What to do"]) expect(text, kind).toContain(`${heading}\n`);
    }
  });

  it("links the run page, its artifacts and its trace", () => {
    const { text, html } = render({});
    expect(text).toContain("หน้ารายการซิงก์ / Run page: https://crm-sync.example.test/runs/run-2026-11-26\n");
    expect(html).toContain('<a href="https://crm-sync.example.test/runs/run-2026-11-26">');
    expect(text).not.toContain("#rejected");
    expect(text).toContain("Screenshot: https://storage.example.test/crm-exports/artifacts/run-2026-11-26/failure.png");
    expect(text).toContain("Playwright trace: https://storage.example.test/crm-exports/artifacts/run-2026-11-26/trace.zip");
    expect(text).toContain(`Trace ${traceId}: https://console.example.test/traces?tid=${traceId}&project=crm`);
    expect(html).toContain(`<a href="https://console.example.test/traces?tid=${traceId}&amp;project=crm">`);
    expect(renderAlertEmail(base, { ...links, traceUrlTemplate: null }).text).toContain(`Trace id: ${traceId}`);
  });

  it("links the rejected rows of a run stopped for them", () => {
    const { text } = render({ code: "REJECT_RATIO_EXCEEDED", stage: "parsing" });
    expect(text).toContain("แถวที่ถูกปฏิเสธ / Rejected rows: https://crm-sync.example.test/runs/run-2026-11-26#rejected");
    expect(text).toContain("See the rejected rows on the run page");
  });

  it("reports the counts with thousands separators and the duration on recovery, and links rejected rows", () => {
    const counts = { rows: 12_345, inserted: 3, updated: 5, unchanged: 12_334, softDeleted: 1, revived: 1, rejected: 1 };
    const text = render({ kind: "recovered", counts, durationMs: 185_000, code: null, stage: null }).text;
    expect(text).toContain("12,345 rows read, 3 inserted, 5 updated, 12,334 unchanged, 1 removed, 1 returned, 1 rejected");
    expect(text).toContain("อ่าน 12,345 แถว เพิ่ม 3 แก้ไข 5 ไม่เปลี่ยน 12,334 นำออก 1 กลับมา 1 ถูกปฏิเสธ 1");
    expect(text).toContain("in 3 min 5 s.");
    expect(text).toContain("ใช้เวลา 3 นาที 5 วินาที");
    expect(text).toContain("Nothing: this closes the earlier alert.");
    expect(text).toContain("Rejected rows: https://crm-sync.example.test/runs/run-2026-11-26#rejected");
    const clean = render({ kind: "recovered", counts: { ...counts, rejected: 0 }, code: null, stage: null }).text;
    expect(clean).not.toContain("#rejected");
  });

  it("names the stuck subscription, message and run of a dead letter", () => {
    const deadLetter = { sourceSubscription: "loader.csv-ready", topic: "csv-ready", messageId: "4711", deliveryAttempts: 5 };
    const text = render({ kind: "dead-letter", code: null, stage: null, destinationUntouched: null, deadLetter }).text;
    expect(text).toContain("on topic csv-ready could not be handled after 5 delivery attempts");
    expect(text).toContain("Run: run-2026-11-26. Message id: 4711.");
    expect(text).toContain("Read the logs of the service behind subscription loader.csv-ready");
  });

  it("withholds artifact links that could carry personal data or credentials", () => {
    const artifacts = [
      { kind: "screenshot" as const, url: "https://storage.example.test/artifacts/0812345678.png" },
      { kind: "html" as const, url: "https://storage.example.test/artifacts/somchai%40example.com.html" },
      { kind: "trace" as const, url: "https://admin:hunter2@storage.example.test/trace.zip" },
      { kind: "export" as const, url: "javascript:alert(1)" },
    ];
    const { text, html } = render({ artifacts });
    for (const leak of ["0812345678", "somchai", "hunter2", "javascript"]) {
      expect(text).not.toContain(leak);
      expect(html).not.toContain(leak);
    }
    expect(text).toContain("4 artifact link(s) withheld");
  });

  it("escapes everything it puts into HTML", () => {
    const html = render({ artifacts: [{ kind: "screenshot", url: "https://storage.example.test/a.png?x=1&y=<b>" }] }).html;
    expect(html).toContain('href="https://storage.example.test/a.png?x=1&amp;y=%3Cb%3E"');
    expect(html).not.toMatch(/<b>/);
  });
});

describe("link helpers", () => {
  it("makes the run page link under the dashboard's URL, path kept, id encoded", () => {
    expect(runLink("https://crm-sync.example.test/", "run-1")).toBe("https://crm-sync.example.test/runs/run-1");
    expect(runLink("https://example.test/crm?x=1#y", "run-1")).toBe("https://example.test/crm/runs/run-1");
    expect(runLink("http://localhost:8080", "a/b c")).toBe("http://localhost:8080/runs/a%2Fb%20c");
    expect(rejectedRowsLink("https://crm-sync.example.test/", "run-1")).toBe("https://crm-sync.example.test/runs/run-1#rejected");
  });

  it("keeps signed URLs whose query has long digit runs", () => {
    const signed = "https://storage.googleapis.com/crm-exports/artifacts/run-1/failure.png?X-Goog-Date=20261126T020000Z&X-Goog-Expires=604800&X-Goog-Signature=abc123";
    expect(safeLink(signed)).toBe(signed);
  });

  it("reads the trace id from a W3C traceparent only when it is well formed", () => {
    expect(traceIdOf(`00-${traceId}-b7ad6b7169203331-01`)).toBe(traceId);
    expect(traceIdOf("garbage")).toBeNull();
    expect(traceIdOf(undefined)).toBeNull();
  });
});
