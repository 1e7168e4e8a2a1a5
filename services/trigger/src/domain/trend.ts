import type { Run } from "./run.ts";

export interface TrendPoint {
  runId: string;
  requestedAt: string;
  status: Run["status"];
  /** Active customers after the run (null while it has not finished). */
  customers: number | null;
  durationMs: number | null;
}

/**
 * Customer count and duration over the given runs (newest first), oldest first for a chart.
 * The count after each run is walked back from today's: only a succeeded run changes the table,
 * by inserted + revived − removed (the loader's counts); a failed run leaves it as it was.
 */
export function trendOf(runs: readonly Run[], activeNow: number): TrendPoint[] {
  let after = activeNow;
  const points: TrendPoint[] = [];
  for (const run of runs) {
    const finished = run.status === "succeeded" || run.status === "failed";
    points.push({
      runId: run.id,
      requestedAt: run.requestedAt.toISOString(),
      status: run.status,
      customers: finished ? after : null,
      durationMs: run.durationMs,
    });
    if (run.status === "succeeded" && run.counts !== null) after -= run.counts.inserted + run.counts.revived - run.counts.softDeleted;
  }
  return points.reverse();
}
