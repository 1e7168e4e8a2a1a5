import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TOPICS, DEAD_LETTER_TOPIC } from "@crm-sync/contracts";
import { createLogger } from "@crm-sync/logging";
import { gate, pubsubEmulatorMissing, startPubSubEmulator, type PubSubEmulator } from "@crm-sync/testing";
import { createPubSubClient, DEAD_LETTER_SUBSCRIPTION, provisionTopology, PubSubBus, serviceSubscriptionSpecs } from "../src/index.ts";

describe.skipIf(gate("Pub/Sub emulator", pubsubEmulatorMissing()))("provisionTopology on the emulator", () => {
  let emulator: PubSubEmulator;
  let client: ReturnType<typeof createPubSubClient>;

  beforeAll(async () => {
    emulator = await startPubSubEmulator();
    client = createPubSubClient({ projectId: emulator.projectId, emulatorHost: emulator.host });
  });

  afterAll(async () => {
    await client?.close();
    await emulator?.stop();
  });

  it("creates every topic and service subscription with dead-lettering, and running it again changes nothing", async () => {
    const specs = serviceSubscriptionSpecs({ serviceUrls: { loader: "http://127.0.0.1:9/" }, minBackoffSeconds: 5, maxBackoffSeconds: 60 });
    await provisionTopology(client, { subscriptions: specs });
    await provisionTopology(client, { subscriptions: specs });

    const [topics] = await client.getTopics();
    expect(topics.map((t) => t.name.split("/").pop()).sort()).toEqual([...ALL_TOPICS, DEAD_LETTER_TOPIC].sort());
    const [subscriptions] = await client.getSubscriptions();
    expect(subscriptions.map((s) => s.name.split("/").pop()).sort()).toEqual(specs.map((s) => s.name).sort());

    const [loader] = await client.subscription("loader.csv-ready").getMetadata();
    expect(loader.pushConfig?.pushEndpoint).toBe("http://127.0.0.1:9/pubsub/csv-ready");
    expect(loader.deadLetterPolicy).toMatchObject({ deadLetterTopic: `projects/${emulator.projectId}/topics/${DEAD_LETTER_TOPIC}`, maxDeliveryAttempts: 5 });
    expect(Number(loader.retryPolicy?.minimumBackoff?.seconds)).toBe(5);

    const [scraper] = await client.subscription("scraper.scrape-requested").getMetadata();
    expect(scraper.pushConfig?.pushEndpoint ?? "").toBe("");

    const [deadLetters] = await client.subscription(DEAD_LETTER_SUBSCRIPTION).getMetadata();
    expect(deadLetters.topic).toBe(`projects/${emulator.projectId}/topics/${DEAD_LETTER_TOPIC}`);
    expect(deadLetters.deadLetterPolicy ?? null).toBeNull();
  });

  it("always creates the notifier's dead-letter subscription, and never asks Pub/Sub for fewer than 5 attempts", async () => {
    // A second project on the same emulator starts empty.
    const other = createPubSubClient({ projectId: `${emulator.projectId}-second`, emulatorHost: emulator.host });
    try {
      await provisionTopology(other, { subscriptions: [{ name: "loader.csv-ready", topic: "csv-ready", maxDeliveryAttempts: 2 }] });
      const [subscriptions] = await other.getSubscriptions();
      expect(subscriptions.map((s) => s.name.split("/").pop()).sort()).toEqual([DEAD_LETTER_SUBSCRIPTION, "loader.csv-ready"].sort());
      const [loader] = await other.subscription("loader.csv-ready").getMetadata();
      expect(loader.deadLetterPolicy?.maxDeliveryAttempts).toBe(5);
    } finally {
      await other.close();
    }
  });

  it("refuses to pull from a subscription that was never provisioned", async () => {
    const bus = new PubSubBus({ projectId: emulator.projectId, logger: createLogger({ service: "provision-test", level: "silent" }), client });
    await expect(bus.subscribe("csv-ready", "nobody.csv-ready", async () => "ack")).rejects.toThrow(/does not exist/);
  });
});
