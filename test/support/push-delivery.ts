import { pushPath } from "@crm-sync/bus";
import { subscriptionName, type SyncEvent } from "@crm-sync/contracts";

export interface PushOptions {
  /** The Pub/Sub message id: redeliveries of one message share it. */
  messageId: string;
  /** The consuming service, for the subscription name (`<service>.<topic>`). */
  service: string;
  deliveryAttempt?: number;
  publishTime?: string;
}

/** The JSON body Pub/Sub push POSTs for `event`, as a string. */
export function pushBodyFor(event: SyncEvent, options: PushOptions): string {
  return rawPushBody(event.type, JSON.stringify(event), { type: event.type, runId: event.runId }, options);
}

/** A push body around arbitrary bytes (a Cloud Scheduler body, a dead letter, junk). */
export function rawPushBody(topic: string, data: string, attributes: Record<string, string>, options: PushOptions): string {
  return JSON.stringify({
    message: {
      data: Buffer.from(data).toString("base64"),
      attributes,
      messageId: options.messageId,
      message_id: options.messageId,
      publishTime: options.publishTime ?? "2026-11-26T19:00:00.000Z",
      publish_time: options.publishTime ?? "2026-11-26T19:00:00.000Z",
    },
    subscription: `projects/crm-sync-test/subscriptions/${subscriptionName(options.service, topic)}`,
    ...(options.deliveryAttempt === undefined ? {} : { deliveryAttempt: options.deliveryAttempt }),
  });
}

/** POSTs a push body to `<baseUrl>/pubsub/<topic>` with an optional bearer token; resolves to the status. */
export async function postPush(baseUrl: string, topic: string, body: string, token?: string): Promise<number> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== undefined) headers["authorization"] = `Bearer ${token}`;
  const response = await fetch(`${baseUrl}${pushPath(topic)}`, { method: "POST", headers, body });
  await response.body?.cancel();
  return response.status;
}
