import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, HEALTHY, decide, newerSuccess, subjectOf, type AlertState, type PolicyInput } from "./policy.ts";

const HOUR = 3_600_000;
const t0 = new Date("2026-11-26T02:00:00.000Z");
const at = (hours: number) => new Date(t0.getTime() + hours * HOUR);

const failed = (code: "PORTAL_AUTH_FAILED" | "DB_UNAVAILABLE" | "MASS_DELETE_HELD", hours: number, runId = `run-${hours}`): PolicyInput => ({
  kind: "sync-failed",
  runId,
  code,
  stage: code === "PORTAL_AUTH_FAILED" ? "scraping" : "committing",
  occurredAt: at(hours),
});
const completed = (hours: number, runId = `run-${hours}`): PolicyInput => ({ kind: "sync-completed", runId, occurredAt: at(hours) });

/** Applies inputs in order, each "now" being its own time, and returns what was sent. */
function play(steps: Array<[PolicyInput, number]>, start: AlertState = HEALTHY) {
  let state = start;
  const sent: Array<string | null> = [];
  for (const [input, nowHours] of steps) {
    const decision = decide(state, input, at(nowHours));
    sent.push(decision.send);
    state = decision.next;
  }
  return { sent, state };
}

describe("pipeline failure policy", () => {
  it("sends one 'failing' email when a healthy pipeline fails", () => {
    const { sent, state } = play([[failed("PORTAL_AUTH_FAILED", 0), 0]]);
    expect(sent).toEqual(["failing"]);
    expect(state).toMatchObject({ status: "failing", code: "PORTAL_AUTH_FAILED", stage: "scraping", runId: "run-0", openedAt: at(0), lastSentAt: at(0), lastSentKind: "failing" });
  });

  it("sends nothing while it keeps failing with the same code", () => {
    const { sent, state } = play([
      [failed("PORTAL_AUTH_FAILED", 0), 0],
      [failed("PORTAL_AUTH_FAILED", 1), 1],
      [failed("PORTAL_AUTH_FAILED", 12), 12],
    ]);
    expect(sent).toEqual(["failing", null, null]);
    expect(state).toMatchObject({ runId: "run-12", openedAt: at(0), lastSentAt: at(0) });
  });

  it("sends a reminder once REMINDER_AFTER has passed since the last email, then waits again", () => {
    const { sent, state } = play([
      [failed("PORTAL_AUTH_FAILED", 0), 0],
      [failed("PORTAL_AUTH_FAILED", 23.9), 23.9],
      [failed("PORTAL_AUTH_FAILED", 24), 24],
      [failed("PORTAL_AUTH_FAILED", 30), 30],
      [failed("PORTAL_AUTH_FAILED", 48), 48],
    ]);
    expect(sent).toEqual(["failing", null, "reminder", null, "reminder"]);
    expect(state).toMatchObject({ openedAt: at(0), lastSentAt: at(48), lastSentKind: "reminder" });
  });

  it("honours a configured reminder interval", () => {
    const state = decide(HEALTHY, failed("DB_UNAVAILABLE", 0), at(0)).next;
    const settings = { ...DEFAULT_POLICY, reminderAfterMs: 2 * HOUR };
    expect(decide(state, failed("DB_UNAVAILABLE", 1), at(1), settings).send).toBeNull();
    expect(decide(state, failed("DB_UNAVAILABLE", 2), at(2), settings).send).toBe("reminder");
  });

  it("sends 'changed' when the failure code changes, keeping when the failing period began", () => {
    const { sent, state } = play([
      [failed("PORTAL_AUTH_FAILED", 0), 0],
      [failed("DB_UNAVAILABLE", 1), 1],
      [failed("DB_UNAVAILABLE", 2), 2],
      [failed("PORTAL_AUTH_FAILED", 3), 3],
    ]);
    expect(sent).toEqual(["failing", "changed", null, "changed"]);
    expect(state).toMatchObject({ code: "PORTAL_AUTH_FAILED", stage: "scraping", openedAt: at(0), lastSentKind: "changed" });
  });

  it("sends one 'recovered' email on the next success and forgets the failure", () => {
    const { sent, state } = play([
      [failed("MASS_DELETE_HELD", 0), 0],
      [completed(5), 5],
      [completed(6), 6],
    ]);
    expect(sent).toEqual(["failing", "recovered", null]);
    expect(state).toMatchObject({ status: "ok", code: null, stage: null, openedAt: null, lastSentKind: "recovered", lastSuccessAt: at(6), lastSuccessRunId: "run-6" });
  });

  it("treats a failure after recovery as a new failing period", () => {
    const { sent, state } = play([
      [failed("PORTAL_AUTH_FAILED", 0), 0],
      [completed(1), 1],
      [failed("PORTAL_AUTH_FAILED", 2), 2],
    ]);
    expect(sent).toEqual(["failing", "recovered", "failing"]);
    expect(state.openedAt).toEqual(at(2));
  });

  it("sends nothing for successes of a healthy pipeline, but remembers the newest one", () => {
    const { sent, state } = play([
      [completed(1), 1],
      [completed(2), 2],
    ]);
    expect(sent).toEqual([null, null]);
    expect(state).toMatchObject({ status: "ok", lastSuccessAt: at(2), lastSuccessRunId: "run-2", lastSentAt: null });
  });

  it("ignores a failure that happened before the newest applied event (late delivery)", () => {
    const { sent, state } = play([
      [completed(2), 2],
      [failed("PORTAL_AUTH_FAILED", 1), 3],
    ]);
    expect(sent).toEqual([null, null]);
    expect(state.status).toBe("ok");
  });

  it("does not recover on a late success older than the failure, but still records it as a success", () => {
    const { sent, state } = play([
      [completed(1), 1],
      [failed("PORTAL_AUTH_FAILED", 3), 3],
      [completed(2), 4],
    ]);
    expect(sent).toEqual([null, "failing", null]);
    expect(state).toMatchObject({ status: "failing", lastSuccessAt: at(2), lastSuccessRunId: "run-2" });
  });

  it("keeps the newest success when an older one arrives late", () => {
    const { state } = play([
      [completed(5), 5],
      [completed(3), 6],
    ]);
    expect(state).toMatchObject({ lastSuccessAt: at(5), lastSuccessRunId: "run-5" });
  });
});

describe("dead-letter policy", () => {
  const deadLetter: PolicyInput = { kind: "dead-letter", sourceSubscription: "loader.csv-ready", runId: "run-7", code: null, stage: null };

  it("always alerts, however many arrive", () => {
    const { sent, state } = play([
      [deadLetter, 0],
      [deadLetter, 0.1],
      [{ ...deadLetter, runId: "run-8" }, 0.2],
    ]);
    expect(sent).toEqual(["dead-letter", "dead-letter", "dead-letter"]);
    expect(state).toMatchObject({ status: "failing", runId: "run-8", openedAt: at(0), lastSentAt: at(0.2), lastSentKind: "dead-letter" });
  });

  it("keeps a subject per source subscription", () => {
    expect(subjectOf(deadLetter)).toBe("dead-letter:loader.csv-ready");
    expect(subjectOf(failed("DB_UNAVAILABLE", 0))).toBe("pipeline");
    expect(subjectOf(completed(0))).toBe("pipeline");
    expect(subjectOf({ kind: "staleness-check", lastSuccess: null })).toBe("staleness");
  });
});

describe("staleness policy", () => {
  const check = (successHours: number | null): PolicyInput => ({
    kind: "staleness-check",
    lastSuccess: successHours === null ? null : { at: at(successHours), runId: `run-${successHours}` },
  });

  it("alerts once when no success for STALE_AFTER, and recovers once when fresh", () => {
    const { sent, state } = play([
      [check(0), 25],
      [check(0), 26.5],
      [check(0), 30],
      [check(0), 60],
      [check(31), 31.5],
      [check(31), 40],
    ]);
    expect(sent).toEqual([null, "stale", null, null, "fresh", null]);
    expect(state).toMatchObject({ status: "ok", openedAt: null, lastSentKind: "fresh", lastSuccessAt: at(31), lastSuccessRunId: "run-31" });
  });

  it("is not stale at exactly STALE_AFTER", () => {
    expect(decide(HEALTHY, check(0), at(26)).send).toBeNull();
  });

  it("counts from when watching began when no success is on record", () => {
    const watching = { ...HEALTHY, watchingSince: at(10) };
    expect(decide(watching, check(null), at(30)).send).toBeNull();
    const stale = decide(watching, check(null), at(36.01));
    expect(stale.send).toBe("stale");
    expect(stale.next).toMatchObject({ status: "failing", lastSuccessAt: null, openedAt: at(36.01) });
  });

  it("is never stale before it has anything to count from", () => {
    expect(decide(HEALTHY, check(null), at(100)).send).toBeNull();
  });

  it("honours a configured STALE_AFTER", () => {
    expect(decide(HEALTHY, check(0), at(2), { ...DEFAULT_POLICY, staleAfterMs: HOUR }).send).toBe("stale");
  });
});

describe("newerSuccess", () => {
  const a = { at: at(1), runId: "run-a" };
  const b = { at: at(2), runId: "run-b" };
  it("picks whichever record of the last good sync is newer", () => {
    expect(newerSuccess(a, b)).toBe(b);
    expect(newerSuccess(b, a)).toBe(b);
    expect(newerSuccess(null, a)).toBe(a);
    expect(newerSuccess(a, null)).toBe(a);
    expect(newerSuccess(null, null)).toBeNull();
  });
});
