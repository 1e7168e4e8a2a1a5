import { EventEmitter } from "node:events";
import type { Run } from "../domain/run.ts";

/**
 * In-process news of ledger changes, so a live stream hears of a change the moment this
 * instance writes it. Other instances' writes reach streams through their periodic re-read.
 */
export class RunChanges {
  readonly #emitter = new EventEmitter();

  constructor() {
    // One listener per open dashboard stream; the count is watched, not capped.
    this.#emitter.setMaxListeners(0);
  }

  announce(run: Run): void {
    this.#emitter.emit(run.id, run);
  }

  /** Returns the function that stops listening. */
  watch(runId: string, listener: (run: Run) => void): () => void {
    this.#emitter.on(runId, listener);
    return () => this.#emitter.off(runId, listener);
  }

  listenerCount(runId: string): number {
    return this.#emitter.listenerCount(runId);
  }
}
