import type { ErrorCode, FailureStage } from "@crm-sync/contracts";

/**
 * When to email, decided from the alert state of one subject and one thing that happened.
 * Pure: the caller loads the state, applies `next` and sends `send` in one transaction.
 */

export type AlertKind = "failing" | "changed" | "reminder" | "recovered" | "dead-letter" | "stale" | "fresh";
export const ALERT_KINDS: readonly AlertKind[] = ["failing", "changed", "reminder", "recovered", "dead-letter", "stale", "fresh"];

export interface AlertState {
  status: "ok" | "failing";
  code: ErrorCode | null;
  stage: FailureStage | null;
  runId: string | null;
  /** When the current failing (or stale) period began. */
  openedAt: Date | null;
  lastSentAt: Date | null;
  lastSentKind: AlertKind | null;
  /** occurredAt of the newest event applied: older events arriving late change nothing. */
  lastEventAt: Date | null;
  /** The newest sync-completed seen, kept here so staleness never depends on the run ledger alone. */
  lastSuccessAt: Date | null;
  lastSuccessRunId: string | null;
  /** When the notifier began watching this subject; staleness counts from here before any success. */
  watchingSince: Date | null;
}

export const HEALTHY: AlertState = {
  status: "ok",
  code: null,
  stage: null,
  runId: null,
  openedAt: null,
  lastSentAt: null,
  lastSentKind: null,
  lastEventAt: null,
  lastSuccessAt: null,
  lastSuccessRunId: null,
  watchingSince: null,
};

export type PolicyInput =
  | { kind: "sync-failed"; runId: string; code: ErrorCode; stage: FailureStage; occurredAt: Date }
  | { kind: "sync-completed"; runId: string; occurredAt: Date }
  | { kind: "dead-letter"; sourceSubscription: string; runId: string | null; code: ErrorCode | null; stage: FailureStage | null }
  | { kind: "staleness-check"; lastSuccess: LastSuccess | null };

export interface LastSuccess {
  at: Date;
  runId: string | null;
}

export interface PolicySettings {
  reminderAfterMs: number;
  staleAfterMs: number;
}

export const DEFAULT_POLICY: PolicySettings = { reminderAfterMs: 24 * 3_600_000, staleAfterMs: 26 * 3_600_000 };

export interface Decision {
  send: AlertKind | null;
  next: AlertState;
}

/** One row of crm_sync.alerts per subject: the pipeline, the staleness watch, each dead-letter source. */
export function subjectOf(input: PolicyInput): string {
  switch (input.kind) {
    case "sync-failed":
    case "sync-completed":
      return "pipeline";
    case "staleness-check":
      return "staleness";
    case "dead-letter":
      return `dead-letter:${input.sourceSubscription}`;
  }
}

export function decide(state: AlertState, input: PolicyInput, now: Date, settings: PolicySettings = DEFAULT_POLICY): Decision {
  switch (input.kind) {
    case "sync-failed":
      return onFailed(state, input, now, settings);
    case "sync-completed":
      return onCompleted(state, input, now);
    case "dead-letter":
      return onDeadLetter(state, input, now);
    case "staleness-check":
      return onStalenessCheck(state, input, now, settings);
  }
}

function isLate(state: AlertState, occurredAt: Date): boolean {
  return state.lastEventAt !== null && occurredAt.getTime() < state.lastEventAt.getTime();
}

function sent(kind: AlertKind, next: AlertState, now: Date): Decision {
  return { send: kind, next: { ...next, lastSentAt: now, lastSentKind: kind } };
}

function onFailed(state: AlertState, input: Extract<PolicyInput, { kind: "sync-failed" }>, now: Date, settings: PolicySettings): Decision {
  // Pub/Sub does not keep order: a failure older than the last applied event (say, the failed
  // first attempt of a run that has since succeeded) must not reopen the alert.
  if (isLate(state, input.occurredAt)) return { send: null, next: state };
  const failing: AlertState = { ...state, status: "failing", code: input.code, stage: input.stage, runId: input.runId, lastEventAt: input.occurredAt };
  if (state.status === "ok") return sent("failing", { ...failing, openedAt: now }, now);
  if (state.code !== input.code) return sent("changed", failing, now);
  const quietFor = state.lastSentAt === null ? Number.POSITIVE_INFINITY : now.getTime() - state.lastSentAt.getTime();
  if (quietFor >= settings.reminderAfterMs) return sent("reminder", failing, now);
  return { send: null, next: failing };
}

function onCompleted(state: AlertState, input: Extract<PolicyInput, { kind: "sync-completed" }>, now: Date): Decision {
  const newerSuccess = state.lastSuccessAt === null || input.occurredAt.getTime() > state.lastSuccessAt.getTime();
  const withSuccess: AlertState = newerSuccess ? { ...state, lastSuccessAt: input.occurredAt, lastSuccessRunId: input.runId } : state;
  if (isLate(state, input.occurredAt)) return { send: null, next: withSuccess };
  const applied: AlertState = { ...withSuccess, lastEventAt: input.occurredAt };
  if (state.status === "ok") return { send: null, next: applied };
  return sent("recovered", { ...applied, status: "ok", code: null, stage: null, runId: input.runId, openedAt: null }, now);
}

function onDeadLetter(state: AlertState, input: Extract<PolicyInput, { kind: "dead-letter" }>, now: Date): Decision {
  // Something is stuck: every dead letter alerts (the caller drops redeliveries of the same one).
  return sent("dead-letter", { ...state, status: "failing", code: input.code, stage: input.stage, runId: input.runId, openedAt: state.openedAt ?? now }, now);
}

function onStalenessCheck(
  state: AlertState,
  input: Extract<PolicyInput, { kind: "staleness-check" }>,
  now: Date,
  settings: PolicySettings,
): Decision {
  // Before any success is on record, the watch counts from when it started watching, so a
  // system that never syncs still alerts.
  const since = input.lastSuccess?.at ?? state.watchingSince ?? now;
  const stale = now.getTime() - since.getTime() > settings.staleAfterMs;
  const observed: AlertState = { ...state, lastSuccessAt: input.lastSuccess?.at ?? null, lastSuccessRunId: input.lastSuccess?.runId ?? null };
  if (stale && state.status === "ok") return sent("stale", { ...observed, status: "failing", openedAt: now }, now);
  if (!stale && state.status === "failing") return sent("fresh", { ...observed, status: "ok", openedAt: null }, now);
  return { send: null, next: observed };
}

/** The newer of two records of the last good sync: the run ledger's and the notifier's own. */
export function newerSuccess(a: LastSuccess | null, b: LastSuccess | null): LastSuccess | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.at.getTime() >= b.at.getTime() ? a : b;
}
