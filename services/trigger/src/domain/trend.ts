import type { Run } from "./run.ts";

export interface TrendPoint {
  runId: string;
  requestedAt: string;
  status: Run["status"];
  /** Active customers after the run; null while it runs, or when no run's own counts tell. */
  customers: number | null;
  durationMs: number | null;
}

/** After a successful load the table holds exactly the export's accepted customers. */
function customersAfter(run: Run): number | null {
  if (run.status !== "succeeded" || run.counts === null) return null;
  const { inserted, updated, unchanged, revived } = run.counts;
  return inserted + updated + unchanged + revived;
}

/**
 * Customer count and duration over the given runs (newest first), oldest first for a chart.
 * Each successful run's count comes from its own counts, never from a running sum, so one odd
 * run (or customers written outside a run) cannot skew the others; a failed run leaves the table
 * as the last successful one did. Before the window's first success the count is not known,
 * unless no run in the window succeeded: then the table is as it is now throughout.
 */
export function trendOf(runs: readonly Run[], activeNow: number): TrendPoint[] {
  const oldestFirst = [...runs].reverse();
  let known: number | null = oldestFirst.some((run) => customersAfter(run) !== null) ? null : activeNow;
  return oldestFirst.map((run) => {
    known = customersAfter(run) ?? known;
    const finished = run.status === "succeeded" || run.status === "failed";
    return { runId: run.id, requestedAt: run.requestedAt.toISOString(), status: run.status, customers: finished ? known : null, durationMs: run.durationMs };
  });
}
