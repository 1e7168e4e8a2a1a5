import type { EventHandler } from "@crm-sync/bus";
import type { NotifierContext } from "../context.ts";
import { traceIdOf } from "../domain/safe-link.ts";
import { raiseAlert } from "../raise-alert.ts";
import { checkStaleness } from "../staleness-watch.ts";

/** sync-completed → one "recovered" alert after a failure (its rejected rows linked); also ends a stale period at once. */
export function syncCompletedHandler(ctx: NotifierContext): EventHandler<"sync-completed"> {
  return async ({ event, attributes }) => {
    const occurredAt = new Date(event.occurredAt);
    const requestKind = await ctx.alerts.requestKindOf(event.runId);
    const { outcome } = await raiseAlert(ctx, {
      eventKey: `event:${event.eventId}`,
      runId: event.runId,
      input: { kind: "sync-completed", runId: event.runId, occurredAt },
      facts: (previous, kind) => ({
        kind,
        occurredAt,
        runId: event.runId,
        stage: null,
        code: null,
        previousCode: previous.code,
        since: previous.openedAt,
        attempt: null,
        destinationUntouched: null,
        counts: event.data.counts,
        durationMs: event.data.durationMs,
        requestKind,
        lastSuccess: { at: occurredAt, runId: event.runId },
        traceId: traceIdOf(attributes.traceparent),
        artifacts: [],
        deadLetter: null,
        staleAfterMs: ctx.policy.staleAfterMs,
      }),
    });
    if (outcome === "ack") await checkStaleness(ctx);
    return outcome;
  };
}
