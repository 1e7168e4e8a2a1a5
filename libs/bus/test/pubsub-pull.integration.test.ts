import { describe } from "vitest";
import { gate, pubsubEmulatorMissing, startPubSubEmulator, type PubSubEmulator } from "@crm-sync/testing";
import { createPubSubClient, provisionTopology, PubSubBus } from "../src/index.ts";
import { runBusContract } from "./bus-contract.ts";

describe.skipIf(gate("Pub/Sub emulator", pubsubEmulatorMissing()))("PubSubBus (streaming pull on the emulator)", () => {
  runBusContract("PubSubBus pull", async (logger) => {
    const emulator: PubSubEmulator = await startPubSubEmulator();
    const client = createPubSubClient({ projectId: emulator.projectId, emulatorHost: emulator.host });
    const bus = new PubSubBus({ projectId: emulator.projectId, logger, client });
    return {
      bus,
      publishRaw: (topic, data, attributes) => bus.publishRaw(topic, data, attributes),
      provision: (subscriptions) =>
        provisionTopology(client, { subscriptions: subscriptions.map((s) => ({ ...s, minBackoffSeconds: 1, maxBackoffSeconds: 2 })) }),
      close: async () => {
        await bus.close();
        await emulator.stop();
      },
    };
  });
});
