export interface FailureDecision {
  /** Publish `sync-failed` now. */
  reportFailed: boolean;
  outcome: "ack" | "retry";
}

/**
 * Permanent errors are reported and acknowledged: redelivery cannot help. Transient ones are
 * redelivered by Pub/Sub with backoff; only the last attempt reports `sync-failed` and
 * acknowledges, so staff see one failure per run, not one per attempt.
 */
export function decideFailure(retryable: boolean, attempt: number, maxAttempts: number): FailureDecision {
  if (!retryable || attempt >= maxAttempts) return { reportFailed: true, outcome: "ack" };
  return { reportFailed: false, outcome: "retry" };
}
