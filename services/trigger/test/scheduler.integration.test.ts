import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PubSub } from "@google-cloud/pubsub";
import { PubSubBus, createOidcVerifier, createPubSubClient, provisionTopology, serviceSubscriptionSpecs } from "@crm-sync/bus";
import { createLogger } from "@crm-sync/logging";
import { gate, pubsubEmulatorMissing, startPubSubEmulator, waitFor, type PubSubEmulator } from "@crm-sync/testing";
import { RunView } from "@crm-sync/trigger-client";
import { startTrigger, type RunningTrigger } from "./support/start-trigger.ts";

const SCHEDULER_BODY = '{"trigger":"schedule"}';

/** Publishes exactly what `gcloud scheduler jobs create pubsub … --message-body='{"trigger":"schedule"}'` publishes. */
async function publishLikeCloudScheduler(emulator: PubSubEmulator): Promise<string> {
  const scheduler = new PubSub({ projectId: emulator.projectId, apiEndpoint: emulator.host, emulatorMode: true, universeDomain: "googleapis.com" });
  try {
    return await scheduler.topic("sync-requested").publishMessage({ data: Buffer.from(SCHEDULER_BODY) });
  } finally {
    await scheduler.close();
  }
}

async function waitForRun(t: RunningTrigger, runId: string): Promise<RunView> {
  return await waitFor(
    async () => {
      const response = await t.api(`/v1/syncs/${runId}`);
      return response.status === 200 ? RunView.parse(await response.json()) : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200, what: `run ${runId} in the ledger` },
  );
}

describe.skipIf(gate("Pub/Sub emulator", pubsubEmulatorMissing()))("Cloud Scheduler body on the real Pub/Sub emulator", () => {
  const logger = createLogger({ service: "trigger-scheduler-test", level: "silent" });

  describe("pull subscription", () => {
    let emulator: PubSubEmulator;
    let t: RunningTrigger;
    beforeAll(async () => {
      emulator = await startPubSubEmulator();
      const admin = createPubSubClient({ projectId: emulator.projectId, emulatorHost: emulator.host });
      await provisionTopology(admin, { subscriptions: serviceSubscriptionSpecs().filter((spec) => spec.name.startsWith("trigger.")) });
      await admin.close();
      t = await startTrigger({ bus: new PubSubBus({ projectId: emulator.projectId, emulatorHost: emulator.host, logger }) });
    });
    afterAll(async () => {
      await t?.close();
      await emulator?.stop();
    });

    it("makes a scheduled run appear in the ledger, named after the message id", async () => {
      const messageId = await publishLikeCloudScheduler(emulator);
      const run = await waitForRun(t, `msg-${messageId}`);
      expect(run).toMatchObject({ trigger: "schedule", status: "queued", phase: "queued", requestedBy: null });
    });
  });

  describe("push subscription", () => {
    let emulator: PubSubEmulator;
    let t: RunningTrigger;
    beforeAll(async () => {
      emulator = await startPubSubEmulator();
      // The emulator sends no OIDC token, so the check is off here, explicitly.
      t = await startTrigger({ subscribe: false, push: { verifier: createOidcVerifier({ enabled: false }) } });
      const admin = createPubSubClient({ projectId: emulator.projectId, emulatorHost: emulator.host });
      const specs = serviceSubscriptionSpecs({ serviceUrls: { trigger: t.url } }).filter((spec) => spec.name.startsWith("trigger."));
      await provisionTopology(admin, { subscriptions: specs });
      await admin.close();
    });
    afterAll(async () => {
      await t?.close();
      await emulator?.stop();
    });

    it("makes a scheduled run appear in the ledger through POST /pubsub/sync-requested", async () => {
      const messageId = await publishLikeCloudScheduler(emulator);
      const run = await waitForRun(t, `msg-${messageId}`);
      expect(run).toMatchObject({ trigger: "schedule", status: "queued" });
    });
  });
});
