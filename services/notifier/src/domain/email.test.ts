import { ERROR_CODES, type ErrorCode } from "@crm-sync/contracts";
import { describe, expect, it } from "vitest";
import { renderAlertEmail, type AlertFacts } from "./email.ts";
import { RUNBOOK } from "./runbook.ts";
import { safeLink, traceIdOf } from "./safe-link.ts";

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

describe("renderAlertEmail", () => {
  it("puts the stage and code in the subject of a failure", () => {
    expect(render({}).subject).toBe("[crm-sync] FAILED at scraping: PORTAL_AUTH_FAILED");
    expect(render({ kind: "changed", code: "DB_UNAVAILABLE", stage: "committing", previousCode: "PORTAL_AUTH_FAILED" }).subject).toBe(
      "[crm-sync] FAILURE CHANGED at committing: DB_UNAVAILABLE (was PORTAL_AUTH_FAILED)",
    );
    expect(render({ kind: "reminder" }).subject).toBe("[crm-sync] STILL FAILING at scraping: PORTAL_AUTH_FAILED");
    expect(render({ kind: "recovered" }).subject).toBe("[crm-sync] RECOVERED: the customer sync succeeded again");
    expect(render({ kind: "stale" }).subject).toBe("[crm-sync] STALE: no successful customer sync for 26 hours");
    expect(render({ kind: "fresh" }).subject).toBe("[crm-sync] FRESH: customer data is up to date again");
    const deadLetter = { sourceSubscription: "loader.csv-ready", topic: "csv-ready", messageId: "42", deliveryAttempts: 5 };
    expect(render({ kind: "dead-letter", code: null, stage: null, deadLetter }).subject).toBe("[crm-sync] DEAD LETTER from loader.csv-ready: a message is stuck");
  });

  it.each(Object.keys(ERROR_CODES) as ErrorCode[])("gives the runbook line for %s in both bodies", (code) => {
    const email = render({ code });
    expect(RUNBOOK[code].length).toBeGreaterThan(40);
    expect(email.text).toContain(RUNBOOK[code]);
    expect(email.text).toContain(ERROR_CODES[code].summary);
    expect(email.html).toContain(RUNBOOK[code].replaceAll("'", "&apos;"));
  });

  it("tells what to do for the codes staff meet most", () => {
    expect(render({ code: "PORTAL_AUTH_FAILED" }).text).toMatch(/password .*update the portal password secret/);
    expect(render({ code: "MASS_DELETE_HELD" }).text).toMatch(/Review the dry run .* approve/);
  });

  it("says whether the customer table was left untouched", () => {
    expect(render({ destinationUntouched: true }).text).toContain("The customer table was not changed");
    expect(render({ destinationUntouched: false }).text).toContain("may have been changed by this run");
    expect(render({ destinationUntouched: null }).text).toContain("cannot be told");
  });

  it("says in plain words what happened and when the last good sync was", () => {
    const text = render({}).text;
    expect(text).toContain("failed while exporting customers from the Qashier portal (stage scraping)");
    expect(text).toContain("2026-11-27 02:00 Asia/Bangkok (2026-11-26 19:00 UTC), attempt 1");
    expect(text).toMatch(/Last good sync\n {2}2026-11-26 02:00 Asia\/Bangkok \(2026-11-25 19:00 UTC\), run run-2026-11-25\./);
    expect(render({ lastSuccess: null }).text).toContain("No successful sync is on record.");
  });

  it("links the run, its artifacts and its trace", () => {
    const { text, html } = render({});
    expect(text).toContain("Run: https://crm-sync.example.test/?run=run-2026-11-26");
    expect(text).toContain("Screenshot: https://storage.example.test/crm-exports/artifacts/run-2026-11-26/failure.png");
    expect(text).toContain("Playwright trace: https://storage.example.test/crm-exports/artifacts/run-2026-11-26/trace.zip");
    expect(text).toContain(`Trace ${traceId}: https://console.example.test/traces?tid=${traceId}&project=crm`);
    expect(html).toContain(`<a href="https://console.example.test/traces?tid=${traceId}&amp;project=crm">`);
    expect(renderAlertEmail(base, { ...links, traceUrlTemplate: null }).text).toContain(`Trace id: ${traceId}`);
  });

  it("reports the counts on recovery", () => {
    const counts = { rows: 1000, inserted: 3, updated: 5, unchanged: 990, softDeleted: 1, revived: 1, rejected: 1 };
    const text = render({ kind: "recovered", counts, code: null, stage: null }).text;
    expect(text).toContain("1000 rows read, 3 inserted, 5 updated, 990 unchanged, 1 removed, 1 returned, 1 rejected");
    expect(text).toContain("Nothing: this closes the earlier alert.");
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
