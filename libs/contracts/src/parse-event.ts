import { randomUUID } from "node:crypto";
import { z } from "zod";
import { EVENT_SCHEMAS, SyncRequestedData, type EventOf, type SyncRequested, type Topic } from "./events.ts";
import { runIdFromMessageId } from "./ids.ts";

export type ParseResult<T> = { ok: true; event: T } | { ok: false; reason: string };

/** Issues as one line, naming the paths only: values may hold personal data. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}

export function parseEvent<T extends Topic>(topic: T, payload: unknown): ParseResult<EventOf<T>> {
  const result = EVENT_SCHEMAS[topic].safeParse(payload);
  if (!result.success) return { ok: false, reason: `invalid ${topic} event: ${describeIssues(result.error)}` };
  return { ok: true, event: result.data as EventOf<T> };
}

export interface TransportFacts {
  messageId: string;
  publishTime: Date;
}

/**
 * `sync-requested` also arrives from Cloud Scheduler, whose fixed body (e.g.
 * `{"trigger":"schedule"}`) is not an envelope. Such a body becomes a full event whose runId
 * comes from the Pub/Sub message id, so a redelivery maps to the same run.
 */
export function parseSyncRequested(payload: unknown, transport: TransportFacts): ParseResult<SyncRequested> {
  const full = parseEvent("sync-requested", payload);
  if (full.ok) return full;
  const looksLikeEnvelope = typeof payload === "object" && payload !== null && "type" in payload;
  if (looksLikeEnvelope) return full;
  const bare = SyncRequestedData.safeParse(payload ?? {});
  if (!bare.success) return { ok: false, reason: `invalid sync-requested body: ${describeIssues(bare.error)}` };
  return {
    ok: true,
    event: {
      type: "sync-requested",
      version: 1,
      eventId: randomUUID(),
      runId: runIdFromMessageId(transport.messageId),
      occurredAt: transport.publishTime.toISOString(),
      data: bare.data,
    },
  };
}
