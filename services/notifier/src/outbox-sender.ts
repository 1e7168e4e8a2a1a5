import type { Logger } from "@crm-sync/logging";
import { forRun } from "@crm-sync/logging";
import { withSpan } from "@crm-sync/telemetry";
import type { Mailer } from "./mail/mailer.ts";
import { describeMailError, isPermanentMailError } from "./mail/smtp-mailer.ts";
import { CLAIM_RENEW_MS, type OutboxStore } from "./store/outbox-store.ts";

export interface OutboxSender {
  /**
   * Sends queued alert emails oldest first until the queue is empty or the mail server stops
   * accepting (then the rest wait for the next flush). Flushes in one process run one at a time.
   */
  flush(): Promise<void>;
}

export function createOutboxSender(deps: { outbox: OutboxStore; mailer: Mailer; logger: Logger }): OutboxSender {
  async function sendAll(): Promise<void> {
    for (;;) {
      const email = await deps.outbox.claimNext();
      if (email === undefined) return;
      const log = forRun(deps.logger, email.runId ?? "none").child({ alertEmailId: email.id, kind: email.kind });
      // A slow mail server must not let the lease lapse, or a second sender would send it too.
      const lease = setInterval(() => {
        deps.outbox.renewClaim(email.id).catch((error: unknown) => log.warn({ err: error }, "could not renew the claim on an alert email"));
      }, CLAIM_RENEW_MS);
      try {
        await withSpan("email", { "crm_sync.alert.kind": email.kind, "crm_sync.alert.attempt": email.attempts }, () => deps.mailer.send(email));
      } catch (error) {
        const reason = describeMailError(error);
        if (isPermanentMailError(error)) {
          await deps.outbox.giveUp(email.id, reason);
          log.error({ err: error, destination: deps.mailer.destination }, "the mail server refused an alert email for good; it will not be retried");
          continue;
        }
        await deps.outbox.release(email.id, reason);
        log.warn({ err: error, destination: deps.mailer.destination, attempts: email.attempts }, "alert email not accepted yet; it stays queued");
        return;
      } finally {
        clearInterval(lease);
      }
      await deps.outbox.markSent(email.id);
      log.info({ destination: deps.mailer.destination, subject: email.subject }, "alert email sent");
    }
  }

  // One flush runs at a time. A caller arriving meanwhile needs a flush that starts after its own
  // email was committed: the one queued behind the running flush, which later callers share.
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
