import { Writable } from "node:stream";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvent } from "@crm-sync/contracts";
import { createLogger } from "@crm-sync/logging";
import { listen, type RunningServer } from "@crm-sync/server";
import { currentTraceId, startTelemetry, type StopTelemetry } from "@crm-sync/telemetry";
import { generateSigningKey, signIdToken } from "../../test/oidc-tokens.ts";
import type { Delivery, HandlerOutcome } from "../types.ts";
import { createOidcVerifier } from "./oidc-verifier.ts";
import { pushHandler } from "./push-handler.ts";

const audience = "https://loader.example.test/pubsub/csv-ready";
const serviceAccountEmail = "pubsub-push@crm-sync-test.iam.gserviceaccount.com";
const key = generateSigningKey("push-key");
const goodToken = signIdToken(key, { aud: audience, email: serviceAccountEmail });
const csvReady = makeEvent("csv-ready", "run-push-1", {
  object: { bucket: "crm-exports", name: "exports/run-push-1.csv", generation: "7", sha256: "b".repeat(64), bytes: 42 },
  rows: 3,
});

function envelope(data: string, attributes: Record<string, string>, extra: Record<string, unknown> = {}) {
  return {
    message: { data: Buffer.from(data).toString("base64"), attributes, messageId: "9001", message_id: "9001", publishTime: "2026-11-26T02:00:00.000Z" },
    subscription: "projects/crm-sync-test/subscriptions/loader.csv-ready",
    ...extra,
  };
}

describe("pushHandler", () => {
  let server: RunningServer;
  let stopTelemetry: StopTelemetry;
  let outcome: () => Promise<HandlerOutcome> = async () => "ack";
  const received: Array<{ delivery: Delivery<unknown>; traceId: string | undefined }> = [];
  const logLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    stopTelemetry = await startTelemetry({ serviceName: "push-test" });
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n")) if (line !== "") logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const logger = createLogger({ service: "push-test", destination });
    const app = express();
    app.use(
      pushHandler({
        topic: "csv-ready",
        logger,
        verifier: createOidcVerifier({ enabled: true, audience, serviceAccountEmail, certs: { [key.kid]: key.publicPem } }),
        handler: async (delivery) => {
          received.push({ delivery, traceId: currentTraceId() });
          return await outcome();
        },
      }),
    );
    app.use(
      pushHandler({
        topic: "sync-requested",
        logger,
        verifier: createOidcVerifier({ enabled: false }),
        handler: async (delivery) => {
          received.push({ delivery, traceId: currentTraceId() });
          return "ack";
        },
      }),
    );
    server = await listen(app, 0);
  });

  afterAll(async () => {
    await server?.close(1000);
    await stopTelemetry?.();
  });

  async function post(path: string, body: unknown, token: string | null = goodToken, raw?: string) {
    received.length = 0;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (token !== null) headers["authorization"] = `Bearer ${token}`;
    const response = await fetch(`${server.url}${path}`, { method: "POST", headers, body: raw ?? JSON.stringify(body) });
    return response.status;
  }

  it("answers 204 when the handler acknowledges, handing it the parsed event inside the sender's trace", async () => {
    outcome = async () => "ack";
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const status = await post("/pubsub/csv-ready", envelope(JSON.stringify(csvReady), { type: "csv-ready", runId: "run-push-1", traceparent }, { deliveryAttempt: 3 }));
    expect(status).toBe(204);
    expect(received).toHaveLength(1);
    expect(received[0]!.delivery).toMatchObject({ event: csvReady, messageId: "9001", deliveryAttempt: 3, attributes: { type: "csv-ready", runId: "run-push-1", traceparent } });
    expect(received[0]!.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
  });

  it("answers 500 when the handler asks for a retry or throws, so Pub/Sub redelivers", async () => {
    outcome = async () => "retry";
    expect(await post("/pubsub/csv-ready", envelope(JSON.stringify(csvReady), {}))).toBe(500);
    outcome = async () => {
      throw new Error("database went away");
    };
    expect(await post("/pubsub/csv-ready", envelope(JSON.stringify(csvReady), {}))).toBe(500);
  });

  it("counts attempts itself when the envelope has no deliveryAttempt (the emulator never sends one)", async () => {
    outcome = async () => "retry";
    const body = envelope(JSON.stringify(csvReady), {}, { message: { ...envelope("", {}).message, messageId: "424242", data: Buffer.from(JSON.stringify(csvReady)).toString("base64") } });
    const attempts: number[] = [];
    for (let i = 0; i < 3; i++) {
      await post("/pubsub/csv-ready", body);
      attempts.push(received[0]!.delivery.deliveryAttempt);
    }
    expect(attempts).toEqual([1, 2, 3]);
  });

  it.each([
    ["an event that breaks the contract", envelope(JSON.stringify({ ...csvReady, data: { rows: -1 } }), {}), undefined],
    ["data that is not JSON", envelope("{{{", {}), undefined],
    ["a body that is not a push envelope", { hello: "world" }, undefined],
    ["a body that is not JSON", undefined, "not json at all"],
  ])("acknowledges %s with 204 and logs one rejection", async (_case, body, raw) => {
    outcome = async () => "ack";
    const before = logLines.filter((line) => String(line["message"]).includes("rejected")).length;
    expect(await post("/pubsub/csv-ready", body, goodToken, raw)).toBe(204);
    expect(received).toHaveLength(0);
    expect(logLines.filter((line) => String(line["message"]).includes("rejected")).length).toBe(before + 1);
  });

  it("refuses requests without a token (401) or with a token for another audience (403), without running the handler", async () => {
    const body = envelope(JSON.stringify(csvReady), {});
    expect(await post("/pubsub/csv-ready", body, null)).toBe(401);
    expect(await post("/pubsub/csv-ready", body, signIdToken(key, { aud: "https://elsewhere.example.test/", email: serviceAccountEmail }))).toBe(403);
    expect(received).toHaveLength(0);
  });

  it("refuses a body over 1 MB with 413", async () => {
    expect(await post("/pubsub/csv-ready", envelope("x".repeat(1_100_000), {}))).toBe(413);
    expect(received).toHaveLength(0);
  });

  it("turns a pushed Cloud Scheduler body into a sync request named after the message id", async () => {
    expect(await post("/pubsub/sync-requested", envelope('{"trigger":"schedule"}', {}), null)).toBe(204);
    expect(received[0]!.delivery).toMatchObject({ event: { type: "sync-requested", runId: "msg-9001", data: { trigger: "schedule" } }, attributes: { runId: "msg-9001" } });
  });
});
