import type { Run } from "./run.ts";

export type ApprovalResult = { ok: true; run: Run } | { ok: false; reason: "not-held" | "no-export" | "joined" };

export const APPROVED_MESSAGE = "Mass delete approved; loading the export again";

/**
 * An operator approved the removal a held run would make: the same export is loaded again as a
 * new attempt. Only a run held with MASS_DELETE_HELD qualifies, and only when the ledger knows
 * which file it was.
 */
export function approveHeldRun(run: Run, now: Date): ApprovalResult {
  // A joined request mirrors the run that served it; only that run can be loaded again.
  if (run.servedBy !== null) return { ok: false, reason: "joined" };
  if (run.status !== "failed" || run.error?.code !== "MASS_DELETE_HELD") return { ok: false, reason: "not-held" };
  if (run.sourceObject === null) return { ok: false, reason: "no-export" };
  return {
    ok: true,
    run: {
      ...run,
      status: "running",
      stage: "parsing",
      stageMessage: APPROVED_MESSAGE,
      stageMessageAt: now,
      stageChangedAt: now,
      finishedAt: null,
      error: null,
      destinationUntouched: null,
      attempt: run.attempt + 1,
      approvedAt: now,
      stageTimedOut: false,
    },
  };
}
