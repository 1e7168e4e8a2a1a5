import type { RawHandler } from "@crm-sync/bus";
import type { NotifierContext } from "../context.ts";
import { readDeadLetter } from "../domain/dead-letter.ts";
import { traceIdOf } from "../domain/safe-link.ts";
import { lastGoodSync } from "../last-good-sync.ts";
import { raiseAlert } from "../raise-alert.ts";

/**
 * A message on the dead-letter topic: something is stuck, so it always alerts. Its payload is
 * read only through the contracts (see readDeadLetter); redeliveries of the same dead letter
 * (same message id) alert once.
 */
export function deadLetterHandler(ctx: NotifierContext): RawHandler {
  return async (message) => {
    const letter = readDeadLetter(message);
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
