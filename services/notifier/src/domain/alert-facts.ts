import type { Artifact, ErrorCode, FailureStage, SyncCounts } from "@crm-sync/contracts";
import type { RequestKind } from "@crm-sync/messages";
import type { AlertKind, LastSuccess } from "./policy.ts";

/**
 * Everything an alert (email or chat) may say. Only codes, stages, counts, ids, instants and
 * URLs: a free-text field (such as sync-failed's `message`) is deliberately absent, because text
 * written elsewhere could carry a customer's name or phone number. Who requested a run is its
 * kind only (`schedule`, `manual`…), never the person.
 */
export interface AlertFacts {
  kind: AlertKind;
  occurredAt: Date;
  runId: string | null;
  stage: FailureStage | null;
  code: ErrorCode | null;
  previousCode: ErrorCode | null;
  /** When the current failing or stale period began. */
  since: Date | null;
  attempt: number | null;
  /** null: not known (dead letters). */
  destinationUntouched: boolean | null;
  counts: SyncCounts | null;
  /** How long the run took (sync-completed only). */
  durationMs: number | null;
  /** What asked for the run, from the run ledger; null when the ledger has no such run. */
  requestKind: RequestKind | null;
  lastSuccess: LastSuccess | null;
  traceId: string | null;
  artifacts: ReadonlyArray<{ kind: Artifact["kind"]; url: string }>;
  deadLetter: { sourceSubscription: string; topic: string | null; messageId: string; deliveryAttempts: number | null } | null;
  staleAfterMs: number;
}

export interface AlertLinks {
  dashboardUrl: string;
  /** Optional template with `{traceId}`, e.g. a Cloud Trace console URL. */
  traceUrlTemplate: string | null;
}

/** A run's rejected rows are worth a link: the run was stopped for them, or finished with some. */
export function hasRejectedRows(facts: AlertFacts): boolean {
  return facts.code === "REJECT_RATIO_EXCEEDED" || (facts.counts?.rejected ?? 0) > 0;
}
