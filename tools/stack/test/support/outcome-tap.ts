import { PubSub, type Message, type Subscription } from "@google-cloud/pubsub";

export interface OutcomeTap {
  /** sync-completed messages seen per run id (a redelivery to this tap is not counted twice). */
  completed(runId: string): number;
  failed(runId: string): Array<{ code: string }>;
  close(): Promise<void>;
}

/**
 * Pull subscriptions of the test's own on sync-completed and sync-failed, so the test counts
 * what the services really published for a run, not what a consumer made of it.
 */
export async function tapOutcomes(projectId: string, emulatorHost: string): Promise<OutcomeTap> {
  const pubsub = new PubSub({ projectId, apiEndpoint: emulatorHost, emulatorMode: true, universeDomain: "googleapis.com" });
  const seen = new Set<string>();
  const completed = new Map<string, number>();
  const failed = new Map<string, Array<{ code: string }>>();
  const subscriptions: Subscription[] = [];
  const listen = async (topic: string, onMessage: (runId: string, body: Record<string, unknown>) => void) => {
    const [subscription] = await pubsub.topic(topic).createSubscription(`faults-tap.${topic}`, { ackDeadlineSeconds: 60 });
    subscription.on("message", (message: Message) => {
      message.ack();
      if (seen.has(message.id)) return;
      seen.add(message.id);
      const body = JSON.parse(message.data.toString("utf8")) as Record<string, unknown>;
      onMessage(String(body["runId"]), body);
    });
    subscription.on("error", () => undefined);
    subscriptions.push(subscription);
  };
  await listen("sync-completed", (runId) => completed.set(runId, (completed.get(runId) ?? 0) + 1));
  await listen("sync-failed", (runId, body) => {
    const data = body["data"] as { code: string };
    failed.set(runId, [...(failed.get(runId) ?? []), { code: data.code }]);
  });
  return {
    completed: (runId) => completed.get(runId) ?? 0,
    failed: (runId) => failed.get(runId) ?? [],
    async close() {
      for (const subscription of subscriptions) await subscription.close();
      await pubsub.close();
    },
  };
}
