import { ERROR_CODES, type ErrorCode, type Stage } from "@crm-sync/contracts";
import { isActive, isJoined, type Run } from "./run.ts";

export type StageDeadlines = Record<Stage, number>;

/**
 * How long a run may stay in one stage (milliseconds) before the ledger gives up on it, so the
 * dashboard button never spins forever. `queued` covers a cold start of the scraper and
 * Pub/Sub delivery; `scraping` a slow portal export; the loader's stages a 1M-row file.
 */
export const DEFAULT_STAGE_DEADLINES: StageDeadlines = {
  queued: 10 * 60_000,
  scraping: 20 * 60_000,
  uploading: 10 * 60_000,
  parsing: 15 * 60_000,
  diffing: 15 * 60_000,
  committing: 15 * 60_000,
};

/**
 * The export stages fail as EXPORT_TIMEOUT (the export did not finish in time: retryable); a
 * stuck queue or loader is INTERNAL (something is down, not slow). Only `committing` cannot
 * promise the customer table is untouched: its transaction may still be finishing.
 */
export function timeoutCode(stage: Stage): ErrorCode {
  return stage === "scraping" || stage === "uploading" ? "EXPORT_TIMEOUT" : "INTERNAL";
}

function minutes(ms: number): string {
  const value = Math.max(1, Math.round(ms / 60_000));
  return value === 1 ? "1 minute" : `${value} minutes`;
}

/** Fails an active run whose stage has not changed for longer than that stage's deadline. */
export function applyStageTimeout(run: Run, now: Date, deadlines: StageDeadlines): Run {
  // A joined request finishes with the run that serves it, never on its own clock.
  if (!isActive(run) || isJoined(run) || run.stage === "notifying") return run;
  const stage = run.stage;
  const deadline = deadlines[stage];
  if (now.getTime() - run.stageChangedAt.getTime() <= deadline) return run;
  const code = timeoutCode(stage);
  const message = `Stage timeout: no progress in the ${stage} stage for ${minutes(deadline)}.`;
  return {
    ...run,
    status: "failed",
    stageMessage: message,
    stageMessageAt: now,
    finishedAt: now,
    error: { code, message, retryable: ERROR_CODES[code].retryable },
    destinationUntouched: stage !== "committing",
    stageTimedOut: true,
  };
}
