import { ERROR_CODES, type ErrorCode } from "@crm-sync/contracts";
import { FAILURE_TEXT } from "@crm-sync/messages";
import { describe, expect, it } from "vitest";
import type { AlertFacts } from "./alert-facts.ts";
import { chatPayload, renderChatText } from "./chat.ts";
import { renderAlertEmail } from "./email.ts";

const links = { dashboardUrl: "https://crm-sync.example.test/", traceUrlTemplate: "https://console.example.test/traces?tid={traceId}&project=crm" };

const base: AlertFacts = {
  kind: "failing",
  occurredAt: new Date("2026-11-26T19:00:00.000Z"),
  runId: "run-2026-11-26",
  stage: "parsing",
  code: "REJECT_RATIO_EXCEEDED",
  previousCode: null,
  since: null,
  attempt: 1,
  destinationUntouched: true,
  counts: null,
  durationMs: null,
  requestKind: "schedule",
  lastSuccess: null,
  traceId: "0af7651916cd43dd8448eb211c80319c",
  artifacts: [{ kind: "export", url: "https://storage.example.test/crm-exports/exports/run-2026-11-26.csv" }],
  deadLetter: null,
  staleAfterMs: 26 * 3_600_000,
};
const chat = (patch: Partial<AlertFacts>) => renderChatText({ ...base, ...patch }, links);

describe("renderChatText", () => {
  it.each(Object.keys(ERROR_CODES) as ErrorCode[])("says %s in Thai first, then English, with what to do", (code) => {
    const text = chat({ code });
    const words = FAILURE_TEXT[code];
    expect(text.indexOf(words.what.th)).toBeGreaterThan(0);
    expect(text.indexOf(words.what.th)).toBeLessThan(text.indexOf(words.what.en));
    expect(text).toContain(`สิ่งที่ต้องทำ: ${words.todo.th}`);
    expect(text).toContain(`What to do: ${words.todo.en}`);
  });

  it("opens with the email's subject in bold and ends with the run page and its rejected rows", () => {
    const text = chat({});
    const email = renderAlertEmail(base, links);
    expect(text.split("\n")[0]).toBe(`*${email.subject}*`);
    expect(text).toMatch(/หน้ารายการซิงก์ \/ Run page: https:\/\/crm-sync\.example\.test\/runs\/run-2026-11-26\nแถวที่ถูกปฏิเสธ \/ Rejected rows: https:\/\/crm-sync\.example\.test\/runs\/run-2026-11-26#rejected$/);
    expect(text).toContain("27 พ.ย. 2569 02:00 น. (เวลากรุงเทพฯ)");
    expect(text).toContain("27 Nov 2026, 02:00 Bangkok time");
  });

  it("is the email in short: no artifact, trace or runbook text, and nothing Slack or Google Chat would read as markup", () => {
    for (const kind of ["failing", "changed", "reminder", "recovered", "dead-letter", "stale", "fresh"] as const) {
      const counts = { rows: 1_234, inserted: 1, updated: 0, unchanged: 1_233, softDeleted: 0, revived: 0, rejected: 0 };
      const deadLetter = { sourceSubscription: "loader.csv-ready", topic: "csv-ready", messageId: "42", deliveryAttempts: 5 };
      const text = chat({ kind, counts: kind === "recovered" ? counts : null, deadLetter });
      expect(text, kind).not.toMatch(/[<>&]/);
      expect(text, kind).not.toContain("storage.example.test");
      expect(text, kind).not.toContain("console.example.test");
      expect(text, kind).not.toContain("For the engineer");
      expect(text.length, kind).toBeLessThan(renderAlertEmail({ ...base, kind, deadLetter }, links).text.length);
    }
    expect(chat({ kind: "recovered", code: null, counts: { rows: 1_234, inserted: 1, updated: 0, unchanged: 1_233, softDeleted: 0, revived: 0, rejected: 0 } })).toContain(
      "1,234 rows read",
    );
  });

  it("is posted as the one field both webhooks take", () => {
    expect(JSON.parse(chatPayload("สวัสดี\nhello"))).toEqual({ text: "สวัสดี\nhello" });
  });
});
