export interface Backoff {
  minMs: number;
  maxMs: number;
}

/** Pub/Sub's retry policy: exponential from minimum to maximum backoff. `attempt` is the failed delivery (1-based). */
export function backoffDelay(attempt: number, backoff: Backoff): number {
  const exponential = backoff.minMs * 2 ** Math.max(0, attempt - 1);
  return Math.min(backoff.maxMs, exponential);
}
