import { describe, expect, it } from "vitest";
import type { SyncCounts } from "@crm-sync/contracts";
import { emptyRun } from "./ledger.ts";
import type { Run } from "./run.ts";
import { trendOf } from "./trend.ts";

const counts = (accepted: number, extra: Partial<SyncCounts> = {}): SyncCounts => ({
  rows: accepted,
  inserted: 0,
  updated: 0,
  unchanged: accepted,
  softDeleted: 0,
  revived: 0,
  rejected: 0,
  ...extra,
});

function run(id: string, day: number, status: Run["status"], runCounts: SyncCounts | null = null): Run {
  return { ...emptyRun(id, new Date(Date.UTC(2026, 11, day))), status, counts: runCounts, durationMs: 1000 };
}

describe("trendOf", () => {
  it("takes each successful run's count from its own counts, and carries it over failed runs", () => {
    const newestFirst = [
      run("d5", 5, "running"),
      run("d4", 4, "failed"),
      run("d3", 3, "succeeded", counts(0, { inserted: 5, updated: 3, unchanged: 90, revived: 2, softDeleted: 7, rows: 101, rejected: 1 })),
      run("d2", 2, "failed"),
      run("d1", 1, "succeeded", counts(107)),
    ];
    expect(trendOf(newestFirst, 100).map((p) => [p.runId, p.customers])).toEqual([
      ["d1", 107],
      ["d2", 107],
      ["d3", 100],
      ["d4", 100],
      ["d5", null],
    ]);
  });

  it("never goes negative when a run's counts disagree with the table (customers written outside runs)", () => {
    const newestFirst = [run("d2", 2, "succeeded", counts(10, { inserted: 1234, unchanged: 0 })), run("d1", 1, "succeeded", counts(50))];
    expect(trendOf(newestFirst, 10).map((p) => p.customers)).toEqual([50, 1234]);
  });

  it("says the count is unknown before the window's first success, and is today's count when nothing in the window succeeded", () => {
    expect(trendOf([run("d2", 2, "succeeded", counts(40)), run("d1", 1, "failed")], 40).map((p) => p.customers)).toEqual([null, 40]);
    expect(trendOf([run("d2", 2, "failed"), run("d1", 1, "failed")], 33).map((p) => p.customers)).toEqual([33, 33]);
  });
});
