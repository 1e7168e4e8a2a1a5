import { stageIndex, STAGES, type Artifact, type EventOf, type FailureStage, type Stage, type SyncEvent } from "@crm-sync/contracts";
import { isFinished, type Run } from "./run.ts";

/**
 * The run ledger is a projection of the pipeline's events. Pub/Sub delivers at least once and
 * in no particular order, across separate subscriptions, so every rule here must give the same
 * ledger whatever the order and however many copies arrive:
 *
 * - A finished run never reopens: late progress is ignored.
 * - The stage only moves forward; an older message within the same stage is ignored.
 * - The first outcome wins, with one exception: a failure that says "this may pass if tried
 *   again" (a retryable code, or the ledger's own stage-timeout verdict) is overtaken by a
 *   later completion — the retry did pass — or by a failure of the same or a later attempt.
 *   A completion is final: a late retryable failure of an earlier attempt cannot undo it.
 * - After an operator approves a held run, anything that happened before the approval is
 *   stale and ignored.
 * - An event for a run the ledger has not seen yet creates it (trigger `unknown` until the
 *   request arrives), so Scheduler runs and out-of-order deliveries both appear.
 */
export function applyEvent(run: Run | undefined, event: SyncEvent, traceId?: string): Run {
  const next = project(run, event);
  if (next.traceId === null && traceId !== undefined) return { ...next, traceId };
  return next;
}

function project(run: Run | undefined, event: SyncEvent): Run {
  switch (event.type) {
    case "sync-requested":
      return onRequested(run, event);
    case "scrape-requested":
      // The trigger publishes it itself after opening the run; it carries nothing new.
      return run ?? emptyRun(event.runId, at(event));
    case "sync-progress":
      return onProgress(run, event);
    case "csv-ready":
      return onCsvReady(run, event);
    case "sync-completed":
      return onCompleted(run, event);
    case "sync-failed":
      return onFailed(run, event);
  }
}

function at(event: SyncEvent): Date {
  return new Date(event.occurredAt);
}

/** The run as first heard of from `event`. */
export function emptyRun(id: string, when: Date): Run {
  return {
    id,
    trigger: "unknown",
    requestedBy: null,
    status: "queued",
    stage: "queued",
    stageMessage: null,
    stageMessageAt: null,
    requestedAt: when,
    startedAt: null,
    stageChangedAt: when,
    stageTimes: {},
    finishedAt: null,
    counts: null,
    durationMs: null,
    error: null,
    destinationUntouched: null,
    artifacts: [],
    sourceObject: null,
    rowsInFile: null,
    portalTotal: null,
    attempt: 1,
    approvedAt: null,
    approvedBy: null,
    discardedAt: null,
    discardedBy: null,
    stageTimedOut: false,
    traceId: null,
    servedBy: null,
    dispatchedAt: null,
  };
}

function isStale(run: Run, event: SyncEvent): boolean {
  return run.approvedAt !== null && at(event) < run.approvedAt;
}

function onRequested(run: Run | undefined, event: EventOf<"sync-requested">): Run {
  const when = at(event);
  const base = run ?? emptyRun(event.runId, when);
  if (base.trigger !== "unknown") return base;
  return {
    ...base,
    trigger: event.data.trigger,
    requestedBy: event.data.requestedBy ?? null,
    requestedAt: when < base.requestedAt ? when : base.requestedAt,
  };
}

function activeStageIndex(stage: FailureStage): number {
  return stage === "notifying" ? STAGES.length : stageIndex(stage);
}

/** The earliest report of each stage wins, whatever order the reports arrive in. */
function reached(run: Run, stage: Stage, when: Date): Run {
  const known = run.stageTimes[stage];
  return known !== undefined && known <= when ? run : { ...run, stageTimes: { ...run.stageTimes, [stage]: when } };
}

/** Moves an active run forward to `stage` (never back) and records the message. */
function advance(active: Run, stage: Stage, message: string, when: Date): Run {
  const run = reached(active, stage, when);
  const current = activeStageIndex(run.stage);
  const target = stageIndex(stage);
  if (target < current) return run;
  if (target === current) {
    const newer = run.stageMessageAt === null || when >= run.stageMessageAt;
    return newer ? { ...run, stageMessage: message, stageMessageAt: when } : run;
  }
  const moved: Run = {
    ...run,
    stage,
    stageMessage: message,
    stageMessageAt: when,
    stageChangedAt: when > run.stageChangedAt ? when : run.stageChangedAt,
  };
  if (stage === "queued") return moved;
  return { ...moved, status: "running", startedAt: run.startedAt ?? when };
}

function onProgress(run: Run | undefined, event: EventOf<"sync-progress">): Run {
  const base = run ?? emptyRun(event.runId, at(event));
  if (isFinished(base) || isStale(base, event)) return base;
  return advance(base, event.data.stage, event.data.message, at(event));
}

export const CSV_READY_MESSAGE = "Customer export stored; loading it into the database";

/**
 * csv-ready ends the browser phase: the loader's work begins. Its facts (which file) are kept
 * even for a finished run, because approving a held run re-loads exactly that file and the
 * loader's verdict may arrive before the file's announcement.
 */
function onCsvReady(run: Run | undefined, event: EventOf<"csv-ready">): Run {
  const base = run ?? emptyRun(event.runId, at(event));
  const facts = {
    sourceObject: event.data.object,
    rowsInFile: event.data.rows,
    portalTotal: event.data.portalTotal ?? null,
  };
  if (isFinished(base) || isStale(base, event)) return base.sourceObject === null ? { ...base, ...facts } : base;
  return advance({ ...base, ...facts }, "parsing", CSV_READY_MESSAGE, at(event));
}

/** A failure that may pass on another try, so a later success or failure may replace it. */
function isOvertakable(run: Run): boolean {
  return run.status === "failed" && (run.stageTimedOut || run.error?.retryable === true);
}

export const COMPLETED_MESSAGE = "Customer data is up to date";

function onCompleted(run: Run | undefined, event: EventOf<"sync-completed">): Run {
  const when = at(event);
  const base = run ?? emptyRun(event.runId, when);
  if (base.status === "succeeded" || isStale(base, event)) return base;
  if (base.status === "failed" && !isOvertakable(base)) return base;
  const { counts } = event.data;
  const changed = counts.inserted + counts.updated + counts.softDeleted + counts.revived;
  return {
    ...base,
    status: "succeeded",
    stageMessage: COMPLETED_MESSAGE,
    stageMessageAt: when,
    startedAt: base.startedAt ?? when,
    finishedAt: when,
    counts,
    durationMs: event.data.durationMs,
    error: null,
    destinationUntouched: changed === 0,
    stageTimedOut: false,
  };
}

function mergeArtifacts(kept: Artifact[], added: Artifact[]): Artifact[] {
  const names = new Set(kept.map((artifact) => artifact.name));
  return [...kept, ...added.filter((artifact) => !names.has(artifact.name))];
}

function onFailed(run: Run | undefined, event: EventOf<"sync-failed">): Run {
  const when = at(event);
  const base = run ?? emptyRun(event.runId, when);
  if (base.status === "succeeded" || isStale(base, event)) return base;
  // Attempts order failures of one delivery chain; after an approval the loader counts again
  // from 1, so the approval time decides staleness instead.
  if (event.data.attempt < base.attempt && base.approvedAt === null) return base;
  if (base.status === "failed" && !isOvertakable(base)) return base;
  const { data } = event;
  return {
    ...base,
    status: "failed",
    stage: data.stage,
    stageMessage: data.message,
    stageMessageAt: when,
    finishedAt: when,
    error: { code: data.code, message: data.message, retryable: data.retryable },
    destinationUntouched: data.destinationUntouched,
    artifacts: mergeArtifacts(base.artifacts, data.artifacts),
    attempt: Math.max(base.attempt, data.attempt),
    stageTimedOut: false,
  };
}
