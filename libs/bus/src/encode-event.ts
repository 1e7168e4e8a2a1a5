import { EVENT_SCHEMAS, describeIssues, type EventOf, type EventType } from "@crm-sync/contracts";
import { SyncError } from "@crm-sync/errors";
import { traceAttributes } from "@crm-sync/telemetry";

export interface OutgoingMessage {
  topic: EventType;
  data: Buffer;
  attributes: Record<string, string>;
}

/** Validates an event before it leaves and builds its attributes (type, runId, W3C trace context). */
export function encodeEvent<T extends EventType>(event: EventOf<T>): OutgoingMessage {
  const schema = EVENT_SCHEMAS[event.type as EventType];
  const checked = schema === undefined ? undefined : schema.safeParse(event);
  if (checked === undefined || !checked.success) {
    const reason = checked === undefined ? "unknown event type" : describeIssues(checked.error);
    throw new SyncError("INVALID_MESSAGE", `refused to publish an invalid event: ${reason}`);
  }
  return {
    topic: event.type,
    data: Buffer.from(JSON.stringify(checked.data)),
    attributes: { type: event.type, runId: event.runId, ...traceAttributes() },
  };
}
