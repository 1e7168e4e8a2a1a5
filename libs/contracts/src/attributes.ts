import { z } from "zod";
import { RunId } from "./ids.ts";

/**
 * Pub/Sub message attributes. `type` and `runId` let subscriptions filter; `traceparent` and
 * `tracestate` (W3C) join the spans of one run across services.
 */
export const MessageAttributes = z.object({
  type: z.string().min(1),
  runId: RunId,
  traceparent: z.string().regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/).optional(),
  tracestate: z.string().max(512).optional(),
});
export type MessageAttributes = z.infer<typeof MessageAttributes>;
