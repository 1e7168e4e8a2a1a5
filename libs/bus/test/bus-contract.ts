import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEAD_LETTER_TOPIC, makeEvent, type EventOf, type EventType } from "@crm-sync/contracts";
import { isSyncError } from "@crm-sync/errors";
import { createLogger, type Logger } from "@crm-sync/logging";
import { currentTraceId, startTelemetry, withSpan, type StopTelemetry } from "@crm-sync/telemetry";
import { waitFor } from "@crm-sync/testing";
import type { Delivery, EventBus, HandlerOutcome, RawMessage, Subscription } from "../src/index.ts";

export interface SubscriptionPlan {
  name: string;
  topic: string;
  maxDeliveryAttempts: number;
}

/** One adapter as the contract suite drives it. */
export interface BusUnderTest {
  bus: EventBus;
  /** Publishes bytes as they are (a Scheduler body, garbage). */
  publishRaw(topic: string, data: string, attributes?: Record<string, string>): Promise<string>;
  /** Makes the subscriptions exist before anyone subscribes (Pub/Sub provisioning; a no-op in memory). */
  provision(subscriptions: SubscriptionPlan[]): Promise<void>;
  close(): Promise<void>;
}

export type BusFactory = (logger: Logger) => Promise<BusUnderTest>;

/** Log lines as parsed JSON, to check what the bus reported. */
function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line.trim() !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ service: "bus-contract", level: "debug", destination }), lines };
}

const progress = (runId: string) => makeEvent("sync-progress", runId, { stage: "scraping", message: "Logging in to the portal" });

/**
 * The behaviour every EventBus adapter must share (shared/DESIGN.md "Delivery rules"). Each
 * test uses its own run id and subscription names, so tests never see each other's messages.
 */
export function runBusContract(adapter: string, factory: BusFactory): void {
  describe(`EventBus contract: ${adapter}`, () => {
    let stopTelemetry: StopTelemetry;
    let under: BusUnderTest;
    let lines: Array<Record<string, unknown>>;
    const subscriptions: Subscription[] = [];

    beforeAll(async () => {
      stopTelemetry = await startTelemetry({ serviceName: "bus-contract" });
      const captured = capturingLogger();
      lines = captured.lines;
      under = await factory(captured.logger);
    });

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
    });

    afterAll(async () => {
      await under?.close();
      await stopTelemetry?.();
    });

    // A uuid, which the log scrubber keeps: eight random hex characters are now and then all
    // digits, which it masks as a phone number, and the test finds its log lines by run id.
    const unique = (label: string) => `${label}-${randomUUID()}`;

    async function listen<T extends EventType>(topic: T, name: string, handler: (delivery: Delivery<EventOf<T>>) => Promise<HandlerOutcome>, maxDeliveryAttempts = 5) {
      await under.provision([{ name, topic, maxDeliveryAttempts }]);
      subscriptions.push(await under.bus.subscribe(topic, name, handler, { maxDeliveryAttempts }));
    }

    async function listenToDeadLetters(runId: string): Promise<RawMessage[]> {
      const received: RawMessage[] = [];
      const name = unique("contract-dead-letters");
      await under.provision([{ name, topic: DEAD_LETTER_TOPIC, maxDeliveryAttempts: 5 }]);
      subscriptions.push(
        await under.bus.subscribeRaw(DEAD_LETTER_TOPIC, name, async (message) => {
          if (message.attributes["runId"] === runId) received.push(message);
          return "ack";
        }),
      );
      return received;
    }

    it("delivers a copy to every subscription, with type, runId and the trace context preserved", async () => {
      const runId = unique("run");
      const seen: Array<{ subscription: string; delivery: Delivery<unknown>; traceId: string | undefined }> = [];
      for (const name of [unique("contract-a"), unique("contract-b")]) {
        await listen("sync-progress", name, async (delivery) => {
          if (delivery.event.runId === runId) seen.push({ subscription: name, delivery, traceId: currentTraceId() });
          return "ack";
        });
      }
      const event = progress(runId);
      const published = await withSpan("publish-test", {}, async () => ({ messageId: await under.bus.publish(event), traceId: currentTraceId() }));

      await waitFor(() => seen.length >= 2, { what: "both subscriptions to receive the event" });
      expect(new Set(seen.map((s) => s.subscription)).size).toBe(2);
      for (const { delivery, traceId } of seen) {
        expect(delivery.event).toEqual(event);
        expect(delivery.messageId).toBe(published.messageId);
        expect(delivery.deliveryAttempt).toBe(1);
        expect(delivery.attributes).toMatchObject({ type: "sync-progress", runId });
        expect(delivery.attributes.traceparent).toContain(published.traceId);
        expect(traceId).toBe(published.traceId);
      }
    });

    it("redelivers after `retry` and after a thrown handler, with a rising deliveryAttempt", async () => {
      const runId = unique("run");
      const attempts: number[] = [];
      await listen("sync-progress", unique("contract-retry"), async (delivery) => {
        if (delivery.event.runId !== runId) return "ack";
        attempts.push(delivery.deliveryAttempt);
        if (attempts.length === 1) return "retry";
        if (attempts.length === 2) throw new Error("transient failure in the handler");
        return "ack";
      });
      await under.bus.publish(progress(runId));

      await waitFor(() => attempts.length >= 3, { timeoutMs: 60_000, what: "the third delivery" });
      expect(attempts).toEqual([1, 2, 3]);
    });

    it("dead-letters a message whose handler keeps failing after the configured attempts, with its original payload", async () => {
      const runId = unique("run");
      const deadLetters = await listenToDeadLetters(runId);
      const attempts: number[] = [];
      const name = unique("contract-failing");
      await listen("sync-progress", name, async (delivery) => {
        if (delivery.event.runId === runId) attempts.push(delivery.deliveryAttempt);
        return "retry";
      });
      const event = progress(runId);
      await under.bus.publish(event);

      const [dead] = await waitFor(() => deadLetters.length > 0 && deadLetters, { timeoutMs: 90_000, what: "the dead letter" });
      expect(attempts).toEqual([1, 2, 3, 4, 5]);
      expect(JSON.parse(dead!.data.toString("utf8"))).toEqual(event);
      expect(dead!.attributes).toMatchObject({ type: "sync-progress", runId, CloudPubSubDeadLetterSourceSubscription: expect.stringContaining(name) });
    });

    it("acknowledges an invalid message once instead of retrying it", async () => {
      const runId = unique("run");
      const deadLetters = await listenToDeadLetters(runId);
      const handled: string[] = [];
      await listen("csv-ready", unique("contract-invalid"), async (delivery) => {
        handled.push(delivery.messageId);
        // A valid control message that keeps failing: by the time it is dead-lettered, an
        // invalid message that was not acknowledged would have been redelivered too.
        return "retry";
      });
      const invalidId = await under.publishRaw("csv-ready", JSON.stringify({ type: "csv-ready", runId, data: { rows: "many" } }), { type: "csv-ready", runId });
      const notJsonId = await under.publishRaw("csv-ready", "{not json", { type: "csv-ready", runId });
      await under.bus.publish(makeEvent("csv-ready", runId, { object: { bucket: "b", name: "exports/x.csv", generation: "1", sha256: "a".repeat(64), bytes: 10 }, rows: 1 }));

      await waitFor(() => deadLetters.length > 0, { timeoutMs: 90_000, what: "the control message's dead letter" });
      expect(deadLetters).toHaveLength(1);
      expect(handled).not.toContain(invalidId);
      expect(handled).not.toContain(notJsonId);
      // Message ids are digit runs the logger masks as phone-like, so the lines are matched by runId.
      const rejections = lines.filter((line) => line["runId"] === runId && String(line["message"]).includes("rejected"));
      expect(rejections).toHaveLength(2);
    });

    it("tolerates the same event arriving twice: both deliveries reach the handler and are acknowledged", async () => {
      const runId = unique("run");
      const deliveries: Delivery<unknown>[] = [];
      await listen("sync-progress", unique("contract-duplicate"), async (delivery) => {
        if (delivery.event.runId === runId) deliveries.push(delivery);
        return "ack";
      });
      const event = progress(runId);
      const ids = [await under.bus.publish(event), await under.bus.publish(event)];

      await waitFor(() => deliveries.length >= 2, { what: "both copies" });
      expect(deliveries.map((d) => (d.event as { eventId: string }).eventId)).toEqual([event.eventId, event.eventId]);
      expect(new Set(deliveries.map((d) => d.messageId))).toEqual(new Set(ids));
    });

    it("turns the bare Cloud Scheduler body into a sync request whose runId comes from the message id", async () => {
      const requests: Delivery<unknown>[] = [];
      await listen("sync-requested", unique("contract-scheduler"), async (delivery) => {
        requests.push(delivery);
        return "ack";
      });
      const messageId = await under.publishRaw("sync-requested", '{"trigger":"schedule"}');

      const [request] = await waitFor(() => requests.find((r) => r.messageId === messageId) !== undefined && requests.filter((r) => r.messageId === messageId), {
        what: "the scheduled request",
      });
      expect(request!.event).toMatchObject({ type: "sync-requested", runId: `msg-${messageId}`, data: { trigger: "schedule" } });
      expect(request!.attributes).toMatchObject({ type: "sync-requested", runId: `msg-${messageId}` });
    });

    it("refuses to publish an event that breaks its contract", async () => {
      const broken = { ...progress(unique("run")), runId: "not a path-safe id" };
      const failure = await under.bus.publish(broken).catch((error: unknown) => error);
      expect(isSyncError(failure) && failure.code).toBe("INVALID_MESSAGE");
    });
  });
}
