import { describe, expect, it } from "vitest";
import { makeEvent, STAGES, type Stage } from "@crm-sync/contracts";
import { applyEvent, emptyRun } from "./ledger.ts";
import { applyStageTimeout, DEFAULT_STAGE_DEADLINES, timeoutCode } from "./stage-timeout.ts";
import { parseStageDeadlines } from "./duration.ts";
import type { Run } from "./run.ts";

const T0 = new Date("2026-11-26T02:00:00.000Z");
const later = (ms: number) => new Date(T0.getTime() + ms);

function runAt(stage: Stage): Run {
  const base = { ...emptyRun("run-timeout", T0), trigger: "manual" as const };
  if (stage === "queued") return base;
  return applyEvent(base, makeEvent("sync-progress", "run-timeout", { stage, message: "working" }, T0));
}

describe("applyStageTimeout", () => {
  it.each(STAGES)("fails a run stuck in %s just past its deadline, not at it", (stage) => {
    const run = runAt(stage);
    const deadline = DEFAULT_STAGE_DEADLINES[stage];
    expect(applyStageTimeout(run, later(deadline), DEFAULT_STAGE_DEADLINES)).toBe(run);
    const timedOut = applyStageTimeout(run, later(deadline + 1), DEFAULT_STAGE_DEADLINES);
    expect(timedOut).toMatchObject({ status: "failed", stage, stageTimedOut: true, error: { code: timeoutCode(stage) } });
    expect(timedOut.error?.message).toMatch(/^Stage timeout: no progress in the \w+ stage for \d+ minutes\.$/);
    expect(timedOut.finishedAt).toEqual(later(deadline + 1));
  });

  it("uses EXPORT_TIMEOUT for the export stages and INTERNAL for the rest", () => {
    expect(STAGES.map((stage) => [stage, timeoutCode(stage)])).toEqual([
      ["queued", "INTERNAL"],
      ["scraping", "EXPORT_TIMEOUT"],
      ["uploading", "EXPORT_TIMEOUT"],
      ["parsing", "INTERNAL"],
      ["diffing", "INTERNAL"],
      ["committing", "INTERNAL"],
    ]);
    expect(applyStageTimeout(runAt("scraping"), later(3_600_000), DEFAULT_STAGE_DEADLINES).error?.retryable).toBe(true);
    expect(applyStageTimeout(runAt("parsing"), later(3_600_000), DEFAULT_STAGE_DEADLINES).error?.retryable).toBe(false);
  });

  it("promises an untouched customer table except when the commit itself stalled", () => {
    expect(applyStageTimeout(runAt("diffing"), later(3_600_000), DEFAULT_STAGE_DEADLINES).destinationUntouched).toBe(true);
    expect(applyStageTimeout(runAt("committing"), later(3_600_000), DEFAULT_STAGE_DEADLINES).destinationUntouched).toBe(false);
  });

  it("measures from the last stage change, so a moving run is never timed out", () => {
    const run = applyEvent(runAt("scraping"), makeEvent("sync-progress", "run-timeout", { stage: "uploading", message: "x" }, later(19 * 60_000)));
    expect(applyStageTimeout(run, later(25 * 60_000), DEFAULT_STAGE_DEADLINES).status).toBe("running");
  });

  it("leaves finished runs alone and honours configured deadlines", () => {
    const done = applyEvent(
      runAt("scraping"),
      makeEvent("sync-completed", "run-timeout", { counts: { rows: 1, inserted: 1, updated: 0, unchanged: 0, softDeleted: 0, revived: 0, rejected: 0 }, durationMs: 1 }, T0),
    );
    expect(applyStageTimeout(done, later(86_400_000), DEFAULT_STAGE_DEADLINES)).toBe(done);
    const short = { ...DEFAULT_STAGE_DEADLINES, scraping: 1000 };
    expect(applyStageTimeout(runAt("scraping"), later(1001), short).status).toBe("failed");
  });

  it("lets a late completion overtake a stage-timeout verdict, even an INTERNAL one", () => {
    const timedOut = applyStageTimeout(runAt("committing"), later(3_600_000), DEFAULT_STAGE_DEADLINES);
    const counts = { rows: 1, inserted: 1, updated: 0, unchanged: 0, softDeleted: 0, revived: 0, rejected: 0 };
    const done = applyEvent(timedOut, makeEvent("sync-completed", "run-timeout", { counts, durationMs: 1 }, later(3_700_000)));
    expect(done).toMatchObject({ status: "succeeded", error: null, stageTimedOut: false, counts });
  });
});

describe("durations", () => {
  it("overrides only the named stage deadlines", () => {
    const parsed = parseStageDeadlines("scraping=30m, queued=5m", DEFAULT_STAGE_DEADLINES);
    expect(parsed).toEqual({ ok: true, deadlines: { ...DEFAULT_STAGE_DEADLINES, scraping: 1_800_000, queued: 300_000 } });
    expect(parseStageDeadlines("dancing=5m", DEFAULT_STAGE_DEADLINES).ok).toBe(false);
    expect(parseStageDeadlines("scraping=soon", DEFAULT_STAGE_DEADLINES).ok).toBe(false);
  });
});
