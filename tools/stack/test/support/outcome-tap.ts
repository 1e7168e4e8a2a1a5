import { PubSub, type Message, type Subscription } from "@google-cloud/pubsub";

export interface OutcomeTap {
  /** sync-completed messages seen per run id (a redelivery to this tap is not counted twice). */
  completed(runId: string): number;
  failed(runId: string): Array<{ code: string }>;
  /** sync-progress events published for a run: stage and when the publisher stamped it. */
  progress(runId: string): Array<{ stage: string; occurredAt: number }>;
  close(): Promise<void>;
}

/**
 * Pull subscriptions of the test's own on sync-completed, sync-failed and sync-progress, so the test counts
 * what the services really published for a run, not what a consumer made of it.
 */
export async function tapOutcomes(projectId: string, emulatorHost: string): Promise<OutcomeTap> {
  const pubsub = new PubSub({ projectId, apiEndpoint: emulatorHost, emulatorMode: true, universeDomain: "googleapis.com" });
  const seen = new Set<string>();
  const completed = new Map<string, number>();
  const failed = new Map<string, Array<{ code: string }>>();
  const progress = new Map<string, Array<{ stage: string; occurredAt: number }>>();
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
  await listen("sync-progress", (runId, body) => {
    const data = body["data"] as { stage: string };
    progress.set(runId, [...(progress.get(runId) ?? []), { stage: data.stage, occurredAt: Date.parse(String(body["occurredAt"])) }]);
  });
  return {
    progress: (runId) => progress.get(runId) ?? [],
    completed: (runId) => completed.get(runId) ?? 0,
    failed: (runId) => failed.get(runId) ?? [],
    async close() {
      for (const subscription of subscriptions) await subscription.close();
      await pubsub.close();
    },
  };
}
