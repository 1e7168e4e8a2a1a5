import type { EventHandler } from "@crm-sync/bus";
import type { NotifierContext } from "../context.ts";
import { traceIdOf } from "../domain/safe-link.ts";
import { lastGoodSync } from "../last-good-sync.ts";
import { raiseAlert } from "../raise-alert.ts";

/** sync-failed → failing / changed / reminder email. The event's free-text `message` is never used. */
export function syncFailedHandler(ctx: NotifierContext): EventHandler<"sync-failed"> {
  return async ({ event, attributes }) => {
    const occurredAt = new Date(event.occurredAt);
    const [lastSuccess, requestKind] = await Promise.all([lastGoodSync(ctx), ctx.alerts.requestKindOf(event.runId)]);
    const { outcome } = await raiseAlert(ctx, {
      eventKey: `event:${event.eventId}`,
      runId: event.runId,
      input: { kind: "sync-failed", runId: event.runId, code: event.data.code, stage: event.data.stage, occurredAt },
      facts: (previous, kind) => ({
        kind,
        occurredAt,
        runId: event.runId,
        stage: event.data.stage,
        code: event.data.code,
        previousCode: previous.code,
        since: kind === "failing" ? null : previous.openedAt,
        attempt: event.data.attempt,
        destinationUntouched: event.data.destinationUntouched,
        counts: null,
        durationMs: null,
        requestKind,
        lastSuccess,
        traceId: traceIdOf(attributes.traceparent),
        artifacts: event.data.artifacts.map((artifact) => ({ kind: artifact.kind, url: artifact.url })),
        deadLetter: null,
        staleAfterMs: ctx.policy.staleAfterMs,
      }),
    });
    return outcome;
  };
}
