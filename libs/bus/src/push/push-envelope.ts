import { z } from "zod";
import type { RawMessage } from "../types.ts";

/**
 * The body Pub/Sub POSTs to a push endpoint. It sends each id and time in two spellings
 * (`messageId` and `message_id`); either is accepted.
 */
export const PushEnvelope = z.object({
  message: z.object({
    data: z.base64().optional(),
    attributes: z.record(z.string(), z.string()).optional(),
    messageId: z.string().min(1).optional(),
    message_id: z.string().min(1).optional(),
    publishTime: z.iso.datetime({ offset: true }).optional(),
    publish_time: z.iso.datetime({ offset: true }).optional(),
  }),
  subscription: z.string().min(1),
  deliveryAttempt: z.number().int().positive().optional(),
});
export type PushEnvelope = z.infer<typeof PushEnvelope>;

export type DecodedPush = { ok: true; subscription: string; message: RawMessage } | { ok: false; reason: string };

/** `countAttempt` supplies the attempt when the envelope has none (the emulator; subscriptions without a dead-letter policy). */
export function decodePushEnvelope(body: unknown, countAttempt: (subscription: string, messageId: string) => number = () => 1): DecodedPush {
  const parsed = PushEnvelope.safeParse(body);
  if (!parsed.success) return { ok: false, reason: "not a Pub/Sub push envelope" };
  const { message, subscription, deliveryAttempt } = parsed.data;
  const messageId = message.messageId ?? message.message_id;
  const publishTime = message.publishTime ?? message.publish_time;
  if (messageId === undefined || publishTime === undefined) return { ok: false, reason: "push envelope without message id or publish time" };
  return {
    ok: true,
    subscription,
    message: {
      messageId,
      data: Buffer.from(message.data ?? "", "base64"),
      attributes: message.attributes ?? {},
      publishTime: new Date(publishTime),
      deliveryAttempt: deliveryAttempt ?? countAttempt(subscription, messageId),
    },
  };
}
