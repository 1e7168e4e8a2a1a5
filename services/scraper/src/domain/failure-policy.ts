export interface FailureDecision {
  /** Publish `sync-failed` now (staff and the notifier see the run as failed). */
  reportFailed: boolean;
  /** What the bus does with the message. */
  outcome: "ack" | "retry";
}

/**
 * How a failed attempt ends. Permanent errors are reported and acknowledged: redelivery
 * cannot help. Transient errors are retried by Pub/Sub with backoff, and only the last
 * attempt reports `sync-failed` (retryable: true) and acknowledges, so staff see one failure
 * per run rather than one per attempt, and the message does not also arrive as a dead letter
 * for the same failure. Earlier attempts publish progress ("retrying") instead.
 */
export function decideFailure(retryable: boolean, attempt: number, maxAttempts: number): FailureDecision {
  if (!retryable) return { reportFailed: true, outcome: "ack" };
  if (attempt >= maxAttempts) return { reportFailed: true, outcome: "ack" };
  return { reportFailed: false, outcome: "retry" };
}
