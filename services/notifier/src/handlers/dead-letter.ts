import type { RawHandler } from "@crm-sync/bus";
import type { NotifierContext } from "../context.ts";
import { readDeadLetter } from "../domain/dead-letter.ts";
import { traceIdOf } from "../domain/safe-link.ts";
import { lastGoodSync } from "../last-good-sync.ts";
import { raiseAlert } from "../raise-alert.ts";

/**
 * A message on the dead-letter topic: something is stuck, so it alerts. Its payload is read
 * only through the contracts (see readDeadLetter); redeliveries of the same dead letter (same
 * message id) alert once. One exception: a notifier event whose alert email is already decided
 * and queued is not stuck, only its email is late (a sender died mid-send and its lease has to
 * lapse). Then this keeps flushing until that email is out, instead of raising a second alert.
 */
export function deadLetterHandler(ctx: NotifierContext): RawHandler {
  return async (message) => {
    const letter = readDeadLetter(message);
    if (letter.sourceSubscription.startsWith("notifier.") && letter.eventId !== null) {
      const eventKey = `event:${letter.eventId}`;
      if ((await ctx.outbox.statusOf(eventKey)) === "pending") await ctx.sender.flush();
      const status = await ctx.outbox.statusOf(eventKey);
      if (status === "sent") {
        ctx.logger.info({ runId: letter.runId, sourceSubscription: letter.sourceSubscription }, "dead-lettered notifier event: its alert email has gone out; nothing is stuck");
        return "ack";
      }
      if (status === "pending") {
        ctx.logger.warn({ runId: letter.runId, sourceSubscription: letter.sourceSubscription }, "dead-lettered notifier event: its alert email is still queued; retrying the send");
        return "retry";
      }
    }
    const lastSuccess = await lastGoodSync(ctx);
    const { outcome } = await raiseAlert(ctx, {
      eventKey: `dead-letter:${message.messageId}`,
      runId: letter.runId,
      input: { kind: "dead-letter", sourceSubscription: letter.sourceSubscription, runId: letter.runId, code: letter.code, stage: letter.stage },
      facts: (_previous, kind, now) => ({
        kind,
        occurredAt: now,
        runId: letter.runId,
        stage: letter.stage,
        code: letter.code,
        previousCode: null,
        since: null,
        attempt: null,
        destinationUntouched: null,
        counts: null,
        durationMs: null,
        requestKind: null,
        lastSuccess,
        traceId: traceIdOf(message.attributes["traceparent"]),
        artifacts: [],
        deadLetter: {
          sourceSubscription: letter.sourceSubscription,
          topic: letter.topic,
          messageId: letter.messageId,
          deliveryAttempts: letter.deliveryAttempts,
        },
        staleAfterMs: ctx.policy.staleAfterMs,
      }),
    });
    return outcome;
  };
}
