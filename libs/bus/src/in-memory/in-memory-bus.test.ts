import { describe, expect, it } from "vitest";
import { makeEvent } from "@crm-sync/contracts";
import { createLogger } from "@crm-sync/logging";
import { waitFor } from "@crm-sync/testing";
import { runBusContract } from "../../test/bus-contract.ts";
import { InMemoryBus } from "./in-memory-bus.ts";

runBusContract("InMemoryBus", async (logger) => {
  const bus = new InMemoryBus({ logger, backoff: { minMs: 5, maxMs: 20 } });
  return {
    bus,
    publishRaw: (topic, data, attributes) => bus.publishRaw(topic, data, attributes),
    provision: async () => {},
    close: () => bus.close(),
  };
});

const silent = createLogger({ service: "in-memory-bus-test", level: "silent" });
const progress = (runId: string) => makeEvent("sync-progress", runId, { stage: "parsing", message: "Reading the export" });

describe("InMemoryBus", () => {
  it("keeps messages that arrive while a subscription has no listener and delivers them on subscribe", async () => {
    const bus = new InMemoryBus({ logger: silent });
    const first = await bus.subscribe("sync-progress", "loader.sync-progress", async () => "ack");
    await first.close();
    await bus.publish(progress("run-kept"));

    const received: string[] = [];
    await bus.subscribe("sync-progress", "loader.sync-progress", async (delivery) => {
      received.push(delivery.event.runId);
      return "ack";
    });
    await bus.drain();
    expect(received).toEqual(["run-kept"]);
    await bus.close();
  });

  it("drain() resolves only after redeliveries have run", async () => {
    const bus = new InMemoryBus({ logger: silent, backoff: { minMs: 10, maxMs: 10 } });
    const attempts: number[] = [];
    await bus.subscribe("sync-progress", "trigger.sync-progress", async (delivery) => {
      attempts.push(delivery.deliveryAttempt);
      return attempts.length < 3 ? "retry" : "ack";
    });
    await bus.publish(progress("run-drain"));
    await bus.drain();
    expect(attempts).toEqual([1, 2, 3]);
    await bus.close();
  });

  it("close() waits for a handler that is still running", async () => {
    const bus = new InMemoryBus({ logger: silent });
    let release: (() => void) | undefined;
    let finished = false;
    await bus.subscribe("sync-progress", "slow.sync-progress", async () => {
      await new Promise<void>((resolve) => (release = resolve));
      finished = true;
      return "ack";
    });
    await bus.publish(progress("run-slow"));
    const releaseHandler = await waitFor(() => release, { what: "the handler to start" });
    const closing = bus.close();
    expect(finished).toBe(false);
    releaseHandler();
    await closing;
    expect(finished).toBe(true);
  });

  it("refuses a subscription name reused for another topic", async () => {
    const bus = new InMemoryBus({ logger: silent });
    await bus.subscribe("sync-progress", "shared-name", async () => "ack");
    await expect(bus.subscribe("csv-ready", "shared-name", async () => "ack")).rejects.toThrow(/belongs to topic/);
    await bus.close();
  });
});
