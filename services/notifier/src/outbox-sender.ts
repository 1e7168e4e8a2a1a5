import type { Logger } from "@crm-sync/logging";
import { forRun } from "@crm-sync/logging";
import { withSpan } from "@crm-sync/telemetry";
import { CLAIM_RENEW_MS, type OutboxStore, type QueuedMessage } from "./store/outbox-store.ts";

/** One alert channel (the mail server, the chat webhook), as the sender sees it. */
export interface Channel<M extends QueuedMessage> {
  /** For spans and logs: `email`, `chat`. */
  name: string;
  /** Where messages go, without credentials or secret paths. */
  destination: string;
  /** Resolves once the server accepted the message. */
  send(message: M): Promise<void>;
  /** The server said no for good: sending again cannot help. */
  isPermanent(error: unknown): boolean;
  /** A short, data-free description of a failure, kept in the outbox row. */
  describe(error: unknown): string;
}

export interface OutboxSender {
  /**
   * Sends queued alerts oldest first until the queue is empty or the server stops accepting
   * (then the rest wait for the next flush). Flushes in one process run one at a time.
   */
  flush(): Promise<void>;
}

export function createOutboxSender<M extends QueuedMessage>(deps: { outbox: OutboxStore<M>; channel: Channel<M>; logger: Logger }): OutboxSender {
  const { channel } = deps;
  async function sendAll(): Promise<void> {
    for (;;) {
      const message = await deps.outbox.claimNext();
      if (message === undefined) return;
      const log = forRun(deps.logger, message.runId ?? "none").child({ channel: channel.name, alertMessageId: message.id, kind: message.kind });
      // A slow server must not let the lease lapse, or a second sender would send it too.
      const lease = setInterval(() => {
        deps.outbox.renewClaim(message.id).catch((error: unknown) => log.warn({ err: error }, "could not renew the claim on an alert"));
      }, CLAIM_RENEW_MS);
      try {
        await withSpan(channel.name, { "crm_sync.alert.kind": message.kind, "crm_sync.alert.attempt": message.attempts }, () => channel.send(message));
      } catch (error) {
        const reason = channel.describe(error);
        if (channel.isPermanent(error)) {
          await deps.outbox.giveUp(message.id, reason);
          log.error({ err: error, destination: channel.destination, reason }, "the server refused an alert for good; it will not be retried");
          continue;
        }
        await deps.outbox.release(message.id, reason);
        log.warn({ err: error, destination: channel.destination, attempts: message.attempts, reason }, "alert not accepted yet; it stays queued");
        return;
      } finally {
        clearInterval(lease);
      }
      await deps.outbox.markSent(message.id);
      log.info({ destination: channel.destination }, "alert sent");
    }
  }

  // One flush runs at a time. A caller arriving meanwhile needs a flush that starts after its own
  // message was committed: the one queued behind the running flush, which later callers share.
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const run = sendAll().finally(() => {
      if (running === run) running = undefined;
    });
    running = run;
    return run;
  };

  return {
    flush() {
      if (queued !== undefined) return queued;
      if (running === undefined) return start();
      const next = running
        .catch(() => {})
        .then(() => {
          queued = undefined;
          return start();
        });
      queued = next;
      return next;
    },
  };
}
