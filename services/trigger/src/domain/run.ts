import type { Artifact, ErrorCode, FailureStage, Stage, StoredObject, SyncCounts, TriggerKind } from "@crm-sync/contracts";

export type RunStatus = "queued" | "running" | "succeeded" | "failed";

/**
 * `unknown` is a run the ledger heard of through a later event (progress, csv-ready, an
 * outcome) before its sync-requested arrived: separate subscriptions deliver in any order.
 * The request fills it in when it lands.
 */
export type RunTrigger = TriggerKind | "unknown";

export interface RunError {
  code: ErrorCode;
  /** Plain words for staff; never personal data. */
  message: string;
  retryable: boolean;
}

/** One row of crm_sync.runs as the ledger reasons about it. */
export interface Run {
  id: string;
  trigger: RunTrigger;
  requestedBy: string | null;
  status: RunStatus;
  /** The furthest stage reached, or the stage that failed. */
  stage: FailureStage;
  stageMessage: string | null;
  stageMessageAt: Date | null;
  requestedAt: Date;
  startedAt: Date | null;
  stageChangedAt: Date;
  /** When the run first reached each stage it has reported (for the run page's timeline). */
  stageTimes: Partial<Record<Stage, Date>>;
  finishedAt: Date | null;
  counts: SyncCounts | null;
  durationMs: number | null;
  error: RunError | null;
  destinationUntouched: boolean | null;
  artifacts: Artifact[];
  sourceObject: StoredObject | null;
  rowsInFile: number | null;
  portalTotal: number | null;
  attempt: number;
  /** When an operator approved a held mass delete; events that happened before it are stale. */
  approvedAt: Date | null;
  /** Who approved the held run, or discarded it (a discarded run stays failed and untouched). */
  approvedBy: string | null;
  discardedAt: Date | null;
  discardedBy: string | null;
  /** The failure is the ledger's own stage-timeout verdict, not a stage's report. */
  stageTimedOut: boolean;
  traceId: string | null;
  /**
   * A request that arrived while another run was active joins it instead of starting a second
   * scrape: this names the run that serves it, whose status and outcome the row mirrors.
   */
  servedBy: string | null;
  /** When the run's first work message went out (scrape-requested, or a replay's csv-ready). */
  dispatchedAt: Date | null;
}

export function isFinished(run: Run): boolean {
  return run.status === "succeeded" || run.status === "failed";
}

export function isActive(run: Run): boolean {
  return !isFinished(run);
}

/** A request served by another run: nothing works on it, so no stage deadline applies to it. */
export function isJoined(run: Run): boolean {
  return run.servedBy !== null;
}

/** Two runs hold the same facts (used to skip writes and notifications for duplicate events). */
export function sameRun(a: Run, b: Run): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
