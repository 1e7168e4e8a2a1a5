import type { RunView } from "@crm-sync/trigger-client";

/** One line a person can read: what the run did, or why it failed and whether the table was touched. */
export function describeRun(run: RunView): string {
  if (run.status === "succeeded" && run.counts !== null) {
    const c = run.counts;
    const seconds = run.durationMs === null ? "" : ` in ${(run.durationMs / 1000).toFixed(1)} s`;
    return `run ${run.runId} succeeded${seconds}: ${c.rows} rows — ${c.inserted} new, ${c.updated} updated, ${c.unchanged} unchanged, ${c.softDeleted} removed, ${c.revived} returned, ${c.rejected} rejected`;
  }
  if (run.status === "failed" && run.error !== null) {
    const table = run.destinationUntouched === true ? "the customer table was not touched" : "check the customer table";
    return `run ${run.runId} failed at ${run.stage}: ${run.error.code} — ${run.error.message} (${table})`;
  }
  return `run ${run.runId} ${run.phase}${run.message === null ? "" : `: ${run.message}`}`;
}
