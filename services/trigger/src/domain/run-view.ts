import { ERROR_CODES, phaseOf, STAGES } from "@crm-sync/contracts";
import type { RunPhase, RunView } from "@crm-sync/trigger-client";
import type { Run } from "./run.ts";

function phase(run: Run): RunPhase {
  if (run.status === "succeeded") return "done";
  if (run.status === "failed") return "failed";
  return run.stage === "notifying" ? "loading" : phaseOf(run.stage);
}

/** The API's picture of a run: what staff and scripts read. */
export function toRunView(run: Run): RunView {
  return {
    runId: run.id,
    trigger: run.trigger,
    requestedBy: run.requestedBy,
    status: run.status,
    stage: run.stage,
    phase: phase(run),
    message: run.stageMessage,
    requestedAt: run.requestedAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    stageChangedAt: run.stageChangedAt.toISOString(),
    // In stage order, however they were stored (jsonb reorders keys): a stream compares views as text.
    stageTimes: Object.fromEntries(
      STAGES.flatMap((stage) => {
        const at = run.stageTimes[stage];
        return at === undefined ? [] : [[stage, at.toISOString()]];
      }),
    ),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    counts: run.counts,
    durationMs: run.durationMs,
    error: run.error === null ? null : { ...run.error, summary: ERROR_CODES[run.error.code].summary },
    destinationUntouched: run.destinationUntouched,
    artifacts: run.artifacts,
    sourceObject: run.sourceObject,
    attempt: run.attempt,
    approvedAt: run.approvedAt?.toISOString() ?? null,
    approvedBy: run.approvedBy,
    discardedAt: run.discardedAt?.toISOString() ?? null,
    discardedBy: run.discardedBy,
    traceId: run.traceId,
    servedBy: run.servedBy,
  };
}
