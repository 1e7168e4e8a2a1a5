import { phaseOf, STAGES } from "@crm-sync/contracts";
import type { Run } from "./run.ts";

export type ApprovalResult = { ok: true; run: Run } | { ok: false; reason: "not-held" | "no-export" | "discarded" | "joined" };
export type DiscardResult = { ok: true; run: Run } | { ok: false; reason: "not-held" | "discarded" | "joined" };

export const APPROVED_MESSAGE = "Mass delete approved; loading the export again";

/** The scrape's stage times only: the loader's stages (phase "loading") run again after an approval. */
const scrapeStageTimes = (times: Run["stageTimes"]): Run["stageTimes"] =>
  Object.fromEntries(STAGES.filter((stage) => phaseOf(stage) !== "loading" && times[stage] !== undefined).map((stage) => [stage, times[stage]]));

const isHeld = (run: Run) => run.status === "failed" && run.error?.code === "MASS_DELETE_HELD";

/**
 * An approver accepted the removal a held run would make: the same export is loaded again as a
 * new attempt. Only a run held with MASS_DELETE_HELD qualifies, not one already discarded, and
 * only when the ledger knows which file it was.
 */
export function approveHeldRun(run: Run, now: Date, by: string | null = null): ApprovalResult {
  // A joined request mirrors the run that served it; only that run can be loaded again.
  if (run.servedBy !== null) return { ok: false, reason: "joined" };
  if (!isHeld(run)) return { ok: false, reason: "not-held" };
  if (run.discardedAt !== null) return { ok: false, reason: "discarded" };
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
      // The approved attempt loads again: its loader stages are timed afresh from now.
      stageTimes: { ...scrapeStageTimes(run.stageTimes), parsing: now },
      finishedAt: null,
      error: null,
      destinationUntouched: null,
      attempt: run.attempt + 1,
      approvedAt: now,
      approvedBy: by,
      stageTimedOut: false,
    },
  };
}

/**
 * An approver refused the removal: the held run ends as discarded. It stays failed with its
 * MASS_DELETE_HELD (the table was never touched, which stays true) and can no longer be approved.
 */
export function discardHeldRun(run: Run, now: Date, by: string): DiscardResult {
  if (run.servedBy !== null) return { ok: false, reason: "joined" };
  if (!isHeld(run)) return { ok: false, reason: "not-held" };
  if (run.discardedAt !== null) return { ok: false, reason: "discarded" };
  return { ok: true, run: { ...run, discardedAt: now, discardedBy: by } };
}
