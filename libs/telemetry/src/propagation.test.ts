import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contextFromAttributes, currentTraceId, startTelemetry, traceAttributes, withSpan, type StopTelemetry } from "./index.ts";

describe("trace propagation through message attributes", () => {
  let stop: StopTelemetry;
  beforeAll(async () => {
    stop = await startTelemetry({ serviceName: "telemetry-test" });
  });
  afterAll(async () => {
    await stop();
  });

  it("has no trace id and no attributes outside a span", () => {
    expect(currentTraceId()).toBeUndefined();
    expect(traceAttributes()).toEqual({});
  });

  it("puts the active trace into traceparent and continues it on the other side", async () => {
    const sent = await withSpan("publish", {}, async () => ({ traceId: currentTraceId(), attributes: traceAttributes() }));
    expect(sent.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(sent.attributes.traceparent).toMatch(new RegExp(`^00-${sent.traceId}-[0-9a-f]{16}-01$`));

    const received = await withSpan("receive", {}, async () => currentTraceId(), { parent: contextFromAttributes({ ...sent.attributes }) });
    expect(received).toBe(sent.traceId);
  });

  it("keeps tracestate across the round trip", async () => {
    const incoming = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", tracestate: "vendor=abc" };
    const outgoing = await withSpan("relay", {}, async () => traceAttributes(), { parent: contextFromAttributes(incoming) });
    expect(outgoing.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(outgoing.traceparent).not.toBe(incoming.traceparent);
    expect(outgoing.tracestate).toBe("vendor=abc");
  });

  it("starts a new trace when the attributes carry a malformed traceparent", async () => {
    const traceId = await withSpan("receive", {}, async () => currentTraceId(), { parent: contextFromAttributes({ traceparent: "garbage" }) });
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe("0af7651916cd43dd8448eb211c80319c");
  });

  it("records a failure and rethrows it", async () => {
    await expect(withSpan("fails", {}, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
  });
});
