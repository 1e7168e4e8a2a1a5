import { describe, expect, it } from "vitest";
import { makeEvent, type DataOf, type EventType, type SyncEvent } from "@crm-sync/contracts";
import { applyEvent, COMPLETED_MESSAGE, CSV_READY_MESSAGE } from "./ledger.ts";
import { approveHeldRun } from "./approve.ts";
import type { Run } from "./run.ts";

const RUN = "run-ledger-1";
const T0 = Date.parse("2026-11-26T02:00:00.000Z");

/** An event of `type` that happened `seconds` after T0. */
function ev<T extends EventType>(type: T, seconds: number, data: DataOf<T>, runId = RUN): SyncEvent {
  return makeEvent(type, runId, data, new Date(T0 + seconds * 1000));
}

const object = { bucket: "crm-exports", name: `exports/customers/2026/11/26/${RUN}.csv`, generation: "1", sha256: "b".repeat(64), bytes: 2048 };
const counts = { rows: 30, inserted: 2, updated: 1, unchanged: 27, softDeleted: 0, revived: 0, rejected: 0 };
const noChanges = { ...counts, inserted: 0, updated: 0, unchanged: 30 };

const requested = ev("sync-requested", 0, { trigger: "manual", requestedBy: "office" });
const scraping = ev("sync-progress", 5, { stage: "scraping", message: "Logging in to the portal" });
const exporting = ev("sync-progress", 20, { stage: "scraping", message: "Exporting customers" });
const uploading = ev("sync-progress", 40, { stage: "uploading", message: "Storing the export" });
const csvReady = ev("csv-ready", 45, { object, rows: 30, portalTotal: 30 });
const parsing = ev("sync-progress", 50, { stage: "parsing", message: "Reading the export" });
const committing = ev("sync-progress", 55, { stage: "committing", message: "Saving changes" });
const completed = ev("sync-completed", 60, { counts, durationMs: 15_000 });

function failed(seconds: number, overrides: Partial<DataOf<"sync-failed">> = {}): SyncEvent {
  return ev("sync-failed", seconds, {
    stage: "scraping",
    code: "PORTAL_AUTH_FAILED",
    retryable: false,
    message: "The Qashier portal refused the login.",
    destinationUntouched: true,
    artifacts: [],
    attempt: 1,
    ...overrides,
  });
}

function fold(events: SyncEvent[], start?: Run): Run {
  let run = start;
  for (const event of events) run = applyEvent(run, event);
  if (run === undefined) throw new Error("no events");
  return run;
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe("applyEvent: a healthy run", () => {
  it("creates a queued run from the request", () => {
    const run = fold([requested]);
    expect(run).toMatchObject({ id: RUN, trigger: "manual", requestedBy: "office", status: "queued", stage: "queued", startedAt: null });
  });

  it("walks queued → scraping → loading → succeeded with counts", () => {
    const afterScrape = fold([requested, scraping]);
    expect(afterScrape).toMatchObject({ status: "running", stage: "scraping", stageMessage: "Logging in to the portal" });
    expect(afterScrape.startedAt?.toISOString()).toBe(scraping.occurredAt);
    const afterCsv = fold([requested, scraping, uploading, csvReady]);
    expect(afterCsv).toMatchObject({ stage: "parsing", stageMessage: CSV_READY_MESSAGE, sourceObject: object, rowsInFile: 30, portalTotal: 30 });
    const done = fold([requested, scraping, uploading, csvReady, parsing, committing, completed]);
    expect(done).toMatchObject({ status: "succeeded", stage: "committing", counts, durationMs: 15_000, error: null, stageMessage: COMPLETED_MESSAGE });
    expect(done.finishedAt?.toISOString()).toBe(completed.occurredAt);
    expect(done.destinationUntouched).toBe(false);
  });

  it("reports the customer table untouched when a sync changed nothing", () => {
    const run = fold([requested, ev("sync-completed", 60, { counts: noChanges, durationMs: 900 })]);
    expect(run.destinationUntouched).toBe(true);
  });

  it("records the stage change time from the event, and keeps it while messages arrive within the stage", () => {
    const run = fold([requested, scraping, exporting]);
    expect(run.stageChangedAt.toISOString()).toBe(scraping.occurredAt);
    expect(run.stageMessage).toBe("Exporting customers");
  });
});

describe("applyEvent: the stage timeline", () => {
  const at = (event: SyncEvent) => new Date(event.occurredAt);

  it("times each stage from its first report, csv-ready starting the load", () => {
    const run = fold([requested, scraping, exporting, uploading, csvReady, parsing, committing, completed]);
    expect(run.stageTimes).toEqual({ scraping: at(scraping), uploading: at(uploading), parsing: at(csvReady), committing: at(committing) });
  });

  it("keeps the earliest report of a stage whatever order the reports arrive in", () => {
    const run = fold([requested, uploading, exporting, committing, scraping, parsing]);
    expect(run.stageTimes).toEqual({ scraping: at(scraping), uploading: at(uploading), parsing: at(parsing), committing: at(committing) });
    expect(run.stage).toBe("committing");
  });
});

describe("applyEvent: late, duplicate and out-of-order events", () => {
  const healthy = [requested, scraping, exporting, uploading, csvReady, parsing, committing, completed];

  it("gives the same outcome for every order of a run's main events", () => {
    const subset = [requested, scraping, csvReady, committing, completed];
    // The stage reached may differ (progress after the outcome is ignored); what staff and
    // the notifier rely on may not.
    const outcome = (run: Run) => ({
      trigger: run.trigger,
      status: run.status,
      requestedAt: run.requestedAt,
      finishedAt: run.finishedAt,
      counts: run.counts,
      error: run.error,
      destinationUntouched: run.destinationUntouched,
      sourceObject: run.sourceObject,
    });
    const expected = outcome(fold(subset));
    for (const order of permutations(subset)) expect(outcome(fold(order))).toEqual(expected);
    expect(expected).toMatchObject({ status: "succeeded", trigger: "manual", sourceObject: object, counts });
  });

  it("ends succeeded in every order when a retryable failure of attempt 1 is followed by a success", () => {
    const transient = failed(50, { stage: "committing", code: "DB_UNAVAILABLE", retryable: true, message: "Database unreachable.", attempt: 1 });
    for (const order of permutations([requested, scraping, csvReady, transient, completed])) {
      expect(fold(order)).toMatchObject({ status: "succeeded", error: null, counts, trigger: "manual", sourceObject: object });
    }
  });

  it("ends failed with the same reason and export in every order of a permanent failure", () => {
    const held = failed(70, { stage: "diffing", code: "MASS_DELETE_HELD", message: "Held for approval.", destinationUntouched: true });
    for (const order of permutations([requested, scraping, csvReady, parsing, held])) {
      const run = fold([...order, ...order]);
      expect(run).toMatchObject({ status: "failed", stage: "diffing", error: { code: "MASS_DELETE_HELD" }, sourceObject: object, destinationUntouched: true });
      expect(run.finishedAt?.toISOString()).toBe(held.occurredAt);
    }
  });

  it("is unchanged by a second copy of every event", () => {
    const once = fold(healthy);
    expect(fold([...healthy, ...healthy])).toEqual(once);
    expect(fold(healthy.flatMap((event) => [event, event]))).toEqual(once);
  });

  it("never reopens a finished run when progress arrives late", () => {
    const done = fold([requested, scraping, completed]);
    const after = fold([parsing, committing, exporting], done);
    expect(after).toEqual(done);
    const failedRun = fold([requested, scraping, failed(30)]);
    expect(fold([uploading, parsing], failedRun)).toEqual(failedRun);
  });

  it("only moves the stage forward", () => {
    const run = fold([requested, committing, scraping, uploading, parsing]);
    expect(run.stage).toBe("committing");
    expect(run.stageMessage).toBe("Saving changes");
  });

  it("ignores an older message of the current stage", () => {
    const run = fold([requested, exporting, scraping]);
    expect(run.stageMessage).toBe("Exporting customers");
  });

  it("creates a run from progress that arrives before its request, then fills the trigger in", () => {
    const early = fold([scraping]);
    expect(early).toMatchObject({ trigger: "unknown", status: "running", stage: "scraping" });
    const filled = applyEvent(early, requested);
    expect(filled).toMatchObject({ trigger: "manual", requestedBy: "office", status: "running", stage: "scraping" });
    expect(filled.requestedAt.toISOString()).toBe(requested.occurredAt);
  });

  it("keeps the first request's trigger when another request for the same run arrives", () => {
    const run = fold([requested, ev("sync-requested", 3, { trigger: "api", requestedBy: "someone-else" })]);
    expect(run).toMatchObject({ trigger: "manual", requestedBy: "office" });
  });

  it("shows a Scheduler run from its bare request", () => {
    const run = applyEvent(undefined, ev("sync-requested", 0, { trigger: "schedule" }, "msg-1234567890"));
    expect(run).toMatchObject({ id: "msg-1234567890", trigger: "schedule", requestedBy: null, status: "queued" });
  });

  it("records an outcome that arrives before anything else", () => {
    expect(fold([completed])).toMatchObject({ status: "succeeded", trigger: "unknown", counts });
    expect(fold([failed(30)])).toMatchObject({ status: "failed", error: { code: "PORTAL_AUTH_FAILED" } });
  });

  it("keeps the export facts that arrive after the run already failed", () => {
    const held = failed(70, { stage: "diffing", code: "MASS_DELETE_HELD", message: "Held for approval.", destinationUntouched: true });
    const run = fold([requested, held, csvReady]);
    expect(run).toMatchObject({ status: "failed", stage: "diffing", sourceObject: object, rowsInFile: 30 });
  });

  it("keeps the trace id of the first event that carried one", () => {
    const run = applyEvent(applyEvent(undefined, requested, "trace-a"), scraping, "trace-b");
    expect(run.traceId).toBe("trace-a");
  });
});

describe("applyEvent: outcomes", () => {
  it("fails with the code, plain message, stage, untouched flag and artifacts", () => {
    const artifact = { kind: "screenshot" as const, name: `artifacts/${RUN}/failure.png`, url: "https://example.test/failure.png" };
    const run = fold([requested, scraping, failed(30, { artifacts: [artifact] })]);
    expect(run).toMatchObject({
      status: "failed",
      stage: "scraping",
      error: { code: "PORTAL_AUTH_FAILED", message: "The Qashier portal refused the login.", retryable: false },
      destinationUntouched: true,
      artifacts: [artifact],
    });
  });

  it("lets the first permanent outcome win", () => {
    const authFailed = fold([requested, failed(30), completed]);
    expect(authFailed).toMatchObject({ status: "failed", error: { code: "PORTAL_AUTH_FAILED" } });
    const succeeded = fold([requested, completed, failed(30)]);
    expect(succeeded).toMatchObject({ status: "succeeded", error: null });
    const firstFailure = fold([requested, failed(30), failed(31, { code: "PORTAL_LAYOUT_CHANGED", message: "Layout changed." })]);
    expect(firstFailure.error?.code).toBe("PORTAL_AUTH_FAILED");
  });

  it("lets a completion overtake a retryable failure of an earlier attempt", () => {
    const transient = failed(58, { stage: "committing", code: "DB_UNAVAILABLE", retryable: true, message: "Database unreachable.", attempt: 1 });
    const run = fold([requested, scraping, csvReady, transient, completed]);
    expect(run).toMatchObject({ status: "succeeded", error: null, counts });
  });

  it("keeps a completion when a retryable failure of an earlier attempt arrives after it", () => {
    const transient = failed(58, { stage: "committing", code: "DB_UNAVAILABLE", retryable: true, message: "Database unreachable.", attempt: 1 });
    expect(fold([requested, completed, transient])).toMatchObject({ status: "succeeded", counts });
  });

  it("replaces a retryable failure with a later attempt's failure, and ignores an earlier attempt's", () => {
    const first = failed(30, { code: "PORTAL_UNAVAILABLE", retryable: true, message: "Portal down.", attempt: 1 });
    const second = failed(90, { code: "PORTAL_AUTH_FAILED", retryable: false, message: "Login refused.", attempt: 2 });
    const inOrder = fold([requested, first, second]);
    expect(inOrder).toMatchObject({ attempt: 2, error: { code: "PORTAL_AUTH_FAILED" } });
    expect(fold([requested, second, first])).toEqual(inOrder);
  });

  it("merges artifacts of a replaced failure without duplicates", () => {
    const shot = { kind: "screenshot" as const, name: "artifacts/a.png", url: "https://example.test/a.png" };
    const html = { kind: "html" as const, name: "artifacts/a.html", url: "https://example.test/a.html" };
    const first = failed(30, { code: "PORTAL_UNAVAILABLE", retryable: true, artifacts: [shot], attempt: 1 });
    const second = failed(90, { code: "PORTAL_UNAVAILABLE", retryable: true, artifacts: [shot, html], attempt: 2 });
    expect(fold([requested, first, second]).artifacts).toEqual([shot, html]);
  });
});

describe("approval of a held run", () => {
  const held = failed(70, { stage: "diffing", code: "MASS_DELETE_HELD", message: "Held for approval.", destinationUntouched: true });
  const heldRun = fold([requested, scraping, csvReady, held]);
  const approvedAt = new Date(T0 + 120_000);

  it("reopens only a MASS_DELETE_HELD run with a known export, as a new attempt", () => {
    const result = approveHeldRun(heldRun, approvedAt);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.run).toMatchObject({ status: "running", stage: "parsing", attempt: 2, error: null, finishedAt: null, sourceObject: object });
    // The approved attempt's load is timed afresh; the scrape's times stay.
    expect(result.run.stageTimes).toEqual({ ...heldRun.stageTimes, parsing: approvedAt, diffing: undefined, committing: undefined });
    expect(Object.keys(result.run.stageTimes).sort()).toEqual(["parsing", ...Object.keys(heldRun.stageTimes).filter((stage) => !["parsing", "diffing", "committing"].includes(stage))].sort());
    expect(approveHeldRun(fold([requested, failed(30)]), approvedAt)).toEqual({ ok: false, reason: "not-held" });
    expect(approveHeldRun(fold([requested, completed]), approvedAt)).toEqual({ ok: false, reason: "not-held" });
    expect(approveHeldRun(fold([requested, held]), approvedAt)).toEqual({ ok: false, reason: "no-export" });
  });

  it("ignores the held failure redelivered after the approval, and takes the new outcome", () => {
    const result = approveHeldRun(heldRun, approvedAt);
    if (!result.ok) throw new Error("not approved");
    const after = fold([held, ev("sync-progress", 110, { stage: "committing", message: "old" })], result.run);
    expect(after).toMatchObject({ status: "running", stage: "parsing" });
    const done = fold([ev("sync-completed", 130, { counts, durationMs: 500 })], after);
    expect(done).toMatchObject({ status: "succeeded", counts, attempt: 2 });
  });

  it("records a failure of the approved attempt even though the loader counts attempts from 1 again", () => {
    const result = approveHeldRun(heldRun, approvedAt);
    if (!result.ok) throw new Error("not approved");
    const dbError = failed(130, { stage: "committing", code: "DB_ERROR", message: "Rejected.", destinationUntouched: true, attempt: 1 });
    expect(applyEvent(result.run, dbError)).toMatchObject({ status: "failed", error: { code: "DB_ERROR" }, attempt: 2 });
  });
});
