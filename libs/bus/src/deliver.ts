import type { EventType } from "@crm-sync/contracts";
import { forRun, type Logger } from "@crm-sync/logging";
import { contextFromAttributes, withSpan } from "@crm-sync/telemetry";
import { decodeMessage } from "./decode-message.ts";
import type { EventHandler, HandlerOutcome, RawHandler, RawMessage } from "./types.ts";

export interface DeliveryTarget {
  topic: string;
  subscription: string;
  logger: Logger;
}

/**
 * Runs a raw handler inside the trace carried by the message. A thrown handler is logged once
 * and becomes `retry`: the message is redelivered, never lost.
 */
export async function deliverRaw(target: DeliveryTarget, handler: RawHandler, message: RawMessage): Promise<HandlerOutcome> {
  const parent = contextFromAttributes(message.attributes);
  const spanAttributes = {
    "messaging.system": "gcp_pubsub",
    "messaging.destination.name": target.topic,
    "messaging.message.id": message.messageId,
    "messaging.gcp_pubsub.message.delivery_attempt": message.deliveryAttempt,
  };
  try {
    return await withSpan(`${target.topic} process`, spanAttributes, () => handler(message), { parent, kind: "consumer" });
  } catch (error) {
    target.logger.error(
      { err: error, topic: target.topic, subscription: target.subscription, messageId: message.messageId, deliveryAttempt: message.deliveryAttempt },
      "message handler failed; the message will be redelivered",
    );
    return "retry";
  }
}

/** Validates the message against the topic's contract first: an invalid one is logged and acked, never retried. */
export function eventToRawHandler<T extends EventType>(target: DeliveryTarget & { topic: T }, handler: EventHandler<T>): RawHandler {
  return async (message) => {
    const decoded = decodeMessage(target.topic, message);
    if (!decoded.ok) {
      target.logger.warn(
        { topic: target.topic, subscription: target.subscription, messageId: message.messageId, runId: message.attributes["runId"], reason: decoded.reason },
        "rejected an invalid message; acknowledged so it is not redelivered",
      );
      return "ack";
    }
    const delivery = decoded.event;
    try {
      return await handler(delivery);
    } catch (error) {
      forRun(target.logger, delivery.event.runId).error(
        { err: error, topic: target.topic, subscription: target.subscription, messageId: message.messageId, deliveryAttempt: message.deliveryAttempt },
        "event handler failed; the message will be redelivered",
      );
      return "retry";
    }
  };
}
