import type { HandlerOutcome } from "@crm-sync/bus";
import { forRun } from "@crm-sync/logging";
import type { NotifierContext } from "./context.ts";
import type { AlertFacts } from "./domain/alert-facts.ts";
import { renderChatText } from "./domain/chat.ts";
import { renderAlertEmail } from "./domain/email.ts";
import { decide, subjectOf, type AlertKind, type AlertState, type PolicyInput } from "./domain/policy.ts";

export interface AlertRequest {
  /** The event's idempotency key; null for the staleness check. */
  eventKey: string | null;
  runId: string | null;
  input: PolicyInput;
  /** The email's facts, given the state before this event and the kind of alert decided. */
  facts: (previous: AlertState, kind: AlertKind, now: Date) => AlertFacts;
}

export interface AlertOutcome {
  outcome: HandlerOutcome;
  sent: AlertKind | null;
}

/**
 * Decide, record and send. The decision and its email are committed together first; the email
 * then goes out from the outbox. The message is acknowledged only once its email was accepted
 * (or there was none, or it was already sent); otherwise it is retried and finds the same
 * queued email on redelivery, so it is never decided or sent twice. The chat message, queued in
 * the same transaction, goes out beside it but never decides the outcome: a webhook that is down
 * leaves its message queued for the next flush and does not hold the email or the event.
 */
export async function raiseAlert(ctx: NotifierContext, request: AlertRequest): Promise<AlertOutcome> {
  const now = ctx.clock();
  const subject = subjectOf(request.input);
  const log = forRun(ctx.logger, request.runId ?? "none");
  const result = await ctx.alerts.apply({
    subject,
    eventKey: request.eventKey,
    runId: request.runId,
    now,
    plan: (state) => {
      const decision = decide(state, request.input, now, ctx.policy);
      if (decision.send === null) return { next: decision.next, email: null, chat: null };
      const facts = request.facts(state, decision.send, now);
      const email = renderAlertEmail(facts, ctx.links);
      const chat = ctx.chatSender === null ? null : renderChatText(facts, ctx.links);
      return { next: decision.next, email: { ...email, kind: decision.send }, chat };
    },
  });
  if (result.duplicate) log.info({ subject, eventKey: request.eventKey }, "event already handled; checking its email only");
  else if (result.queued !== null) log.info({ subject, kind: result.queued, eventKey: request.eventKey }, "alert decided and queued");
  else log.debug({ subject, eventKey: request.eventKey }, "no alert needed");

  await flushAll(ctx);
  const queued = result.duplicate ? null : result.queued;
  if (request.eventKey === null) return { outcome: "ack", sent: queued };
  const status = await ctx.outbox.statusOf(request.eventKey);
  if (status === "pending") return { outcome: "retry", sent: null };
  return { outcome: "ack", sent: status === "sent" ? queued : null };
}

/** Both channels at once: a slow webhook does not delay the email. Only the email's flush can fail the caller. */
export async function flushAll(ctx: NotifierContext): Promise<void> {
  const chat = ctx.chatSender
    ?.flush()
    .catch((error: unknown) => ctx.logger.error({ err: error, channel: "chat" }, "could not send queued chat alerts; the next flush tries again"));
  try {
    await ctx.sender.flush();
  } finally {
    await chat;
  }
}
