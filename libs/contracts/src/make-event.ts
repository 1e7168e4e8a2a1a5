import { randomUUID } from "node:crypto";
import type { DataOf, EventOf, EventType } from "./events.ts";
import { EVENT_SCHEMAS } from "./events.ts";

/** Builds and validates an event, so a publisher can never send what subscribers would reject. */
export function makeEvent<T extends EventType>(type: T, runId: string, data: DataOf<T>, now: Date = new Date()): EventOf<T> {
  const candidate = { type, version: 1, eventId: randomUUID(), runId, occurredAt: now.toISOString(), data };
  return EVENT_SCHEMAS[type].parse(candidate) as EventOf<T>;
}
