import { MessageAttributes, parseEvent, parseSyncRequested, type EventOf, type EventType, type ParseResult } from "@crm-sync/contracts";
import type { Delivery, RawMessage } from "./types.ts";

/**
 * Turns a message as it arrived (any adapter) into a validated delivery. The attributes are
 * rebuilt from the event itself, so a Scheduler body without attributes still gets type and
 * runId, and a malformed trace header is dropped instead of failing the message.
 */
export function decodeMessage<T extends EventType>(topic: T, message: RawMessage): ParseResult<Delivery<EventOf<T>>> {
  let payload: unknown;
  try {
    payload = JSON.parse(message.data.toString("utf8"));
  } catch {
    return { ok: false, reason: `invalid ${topic} message: data is not JSON` };
  }
  const parsed =
    topic === "sync-requested"
      ? (parseSyncRequested(payload, { messageId: message.messageId, publishTime: message.publishTime }) as ParseResult<EventOf<T>>)
      : parseEvent(topic, payload);
  if (!parsed.ok) return parsed;
  const attributes: MessageAttributes = { type: parsed.event.type, runId: parsed.event.runId };
  const trace = MessageAttributes.pick({ traceparent: true, tracestate: true }).safeParse(message.attributes);
  if (trace.success) {
    if (trace.data.traceparent !== undefined) attributes.traceparent = trace.data.traceparent;
    if (trace.data.tracestate !== undefined) attributes.tracestate = trace.data.tracestate;
  }
  return {
    ok: true,
    event: { event: parsed.event, attributes, messageId: message.messageId, deliveryAttempt: message.deliveryAttempt },
  };
}
