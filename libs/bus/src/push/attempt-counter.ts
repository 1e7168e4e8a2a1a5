/**
 * Counts push deliveries per message for envelopes without `deliveryAttempt`: the Pub/Sub
 * emulator never sends it, while real Pub/Sub does whenever a dead-letter policy is set. It
 * lets handlers in the local stack see attempts rise as they would in the cloud. Bounded:
 * the oldest entries are forgotten first.
 */
export class AttemptCounter {
  readonly #counts = new Map<string, number>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  next(subscription: string, messageId: string): number {
    const key = `${subscription}\u0000${messageId}`;
    const count = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.delete(key);
    this.#counts.set(key, count);
    if (this.#counts.size > this.#capacity) {
      const oldest = this.#counts.keys().next().value;
      if (oldest !== undefined) this.#counts.delete(oldest);
    }
    return count;
  }

  forget(subscription: string, messageId: string): void {
    this.#counts.delete(`${subscription}\u0000${messageId}`);
  }
}
