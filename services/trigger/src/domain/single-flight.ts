import { makeEvent, TOPICS, type DataOf, type EventOf } from "@crm-sync/contracts";
import { applyEvent } from "./ledger.ts";
import { isActive, isJoined, type Run } from "./run.ts";

/**
 * What the ledger does with one sync request, whichever way it came in (the API, a Cloud
 * Scheduler publish, any direct publish to `sync-requested`):
 *
 * - `opened`: no run is active, so this request is the run; the scraper gets it.
 * - `joined`: a run is active; the request is recorded as served by it (one scrape, one load).
 * - `busy`: a run is active and the caller may not join it (a replay names its own file).
 * - `known`: the request's record exists already: a redelivery, or a request heard of first
 *   through a later event. Nothing new is decided; a trigger the ledger did not know is filled in.
 *
 * The store calls this under the single-flight lock with the request's own record (if any) and
 * the active run, so the check and the write are one decision across processes.
 */
/**
 * A request made through the API, in the shape a published one arrives in, so every way in is
 * decided by the same rule. The trigger records it; it never publishes `sync-requested` itself.
 */
export function apiRequest(runId: string, data: DataOf<"sync-requested">, now: Date): EventOf<"sync-requested"> {
  return makeEvent(TOPICS.syncRequested, runId, data, now);
}

export type RequestDecision =
  | { kind: "opened"; record: Run }
  | { kind: "joined"; record: Run; servedBy: string }
  | { kind: "busy"; active: Run }
  | { kind: "known"; record: Run };

export interface RequestFacts {
  request: EventOf<"sync-requested">;
  /** The request's own record, when one exists (its runId). */
  existing: Run | undefined;
  /** The run that serves requests now: queued or running, itself no joined request. */
  active: Run | undefined;
  /** False for replays: they load a named file and cannot be served by another run. */
  joinable: boolean;
  traceId?: string;
}

export function decideRequest(facts: RequestFacts): RequestDecision {
  const { request, existing, active } = facts;
  if (existing !== undefined) return { kind: "known", record: applyEvent(existing, request, facts.traceId) };
  if (active !== undefined && isActive(active) && !isJoined(active)) {
    if (!facts.joinable) return { kind: "busy", active };
    return { kind: "joined", record: { ...applyEvent(undefined, request, facts.traceId), servedBy: active.id }, servedBy: active.id };
  }
  return { kind: "opened", record: applyEvent(undefined, request, facts.traceId) };
}

/**
 * Whether the run's first work message still has to go out: an opened run nobody has started on.
 * A redelivered request re-publishes it (the trigger may have stopped between recording the run
 * and publishing); once published, or once the run moved or finished, never again.
 */
export function needsDispatch(run: Run): boolean {
  return !isJoined(run) && run.dispatchedAt === null && run.status === "queued" && run.stage === "queued";
}

/** Columns a joined request copies from the run that serves it: its progress and its outcome. */
export const MIRRORED_FIELDS = [
  "status",
  "stage",
  "stageMessage",
  "stageMessageAt",
  "startedAt",
  "stageChangedAt",
  "stageTimes",
  "finishedAt",
  "counts",
  "durationMs",
  "error",
  "destinationUntouched",
  "artifacts",
  "sourceObject",
  "rowsInFile",
  "portalTotal",
  "attempt",
  "approvedAt",
  "approvedBy",
  "discardedAt",
  "discardedBy",
  "stageTimedOut",
] as const satisfies ReadonlyArray<keyof Run>;

/** A joined request as it stands while `serving` serves it: its own identity, the run's state. */
export function mirrorServing(joined: Run, serving: Run): Run {
  const mirrored: Run = { ...joined };
  for (const field of MIRRORED_FIELDS) (mirrored as unknown as Record<string, unknown>)[field] = serving[field];
  return mirrored;
}
