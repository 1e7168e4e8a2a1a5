import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startOtlpReceiver, waitFor, type OtlpReceiver } from "@crm-sync/testing";
import { startTelemetry, traceRequests, withSpan, type StopTelemetry } from "../src/index.ts";

const CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN = "00f067aa0ba902b7";
const SERVER = 2;
const CLIENT = 3;

async function serve(server: Server): Promise<string> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("spans exported over OTLP/HTTP", () => {
  let receiver: OtlpReceiver;
  let stop: StopTelemetry;
  let api: Server;
  let downstream: Server;
  let apiUrl: string;
  const downstreamHeaders: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    // Read when the batch processor is made: spans leave within 100 ms, not the default 5 s.
    vi.stubEnv("OTEL_BSP_SCHEDULE_DELAY", "100");
    receiver = await startOtlpReceiver();
    stop = await startTelemetry({ serviceName: "export-test", projectId: "crm-sync-test", otlpEndpoint: receiver.url });
    downstream = createServer((req, res) => {
      downstreamHeaders.push(req.headers);
      res.writeHead(204).end();
    });
    const downstreamUrl = await serve(downstream);
    const app = express();
    app.post("/v1/things/:thingId", async (_req, res) => {
      await fetch(`${downstreamUrl}/object?token=not-for-traces`);
      res.status(202).json({ ok: true });
    });
    api = createServer(traceRequests(app));
    apiUrl = await serve(api);
  });

  afterAll(async () => {
    await stop?.();
    api?.close();
    downstream?.close();
    await receiver?.stop();
    vi.unstubAllEnvs();
  });

  const flushed = (what: string, find: () => boolean) => waitFor(() => find() || undefined, { what, timeoutMs: 15_000 });

  it("continues a caller's traceparent in a SERVER span named by route, and a fetch inside it in a CLIENT span", async () => {
    const response = await fetch(`${apiUrl}/v1/things/customer-0812345678?name=someone`, {
      method: "POST",
      headers: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` },
    });
    expect(response.status).toBe(202);
    await flushed("the server and client spans", () => receiver.spans.filter((s) => s.traceId === CALLER_TRACE).length >= 2);

    const inTrace = receiver.spans.filter((s) => s.traceId === CALLER_TRACE);
    const server = inTrace.find((s) => s.kind === SERVER);
    const client = inTrace.find((s) => s.kind === CLIENT);
    expect(server).toMatchObject({
      name: "POST /v1/things/:thingId",
      parentSpanId: CALLER_SPAN,
      attributes: { "http.request.method": "POST", "http.route": "/v1/things/:thingId", "http.response.status_code": 202 },
      resource: { "service.name": "export-test", "gcp.project_id": "crm-sync-test" },
    });
    expect(client).toMatchObject({ name: "GET 127.0.0.1", parentSpanId: server?.spanId, attributes: { "http.request.method": "GET", "http.response.status_code": 204 } });
    // The path with its ids, the query and its token stay out of the trace.
    expect(JSON.stringify(inTrace)).not.toMatch(/0812345678|someone|not-for-traces/);
    // The downstream server was told the trace, with the client span as parent.
    expect(downstreamHeaders.at(-1)?.["traceparent"]).toBe(`00-${CALLER_TRACE}-${client?.spanId}-01`);
  });

  it("starts a new trace when the caller's traceparent is malformed", async () => {
    const before = receiver.spans.length;
    const response = await fetch(`${apiUrl}/v1/things/x`, { method: "POST", headers: { traceparent: "00-garbage-01" } });
    expect(response.status).toBe(202);
    await flushed("the request's server span", () => receiver.spans.slice(before).some((s) => s.kind === SERVER));
    const server = receiver.spans.slice(before).find((s) => s.kind === SERVER);
    expect(server?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(server?.parentSpanId).toBeUndefined();
  });

  it("scrubs personal data and secrets from attributes and recorded exceptions before export", async () => {
    await withSpan("scrub me", { "crm_sync.note": "call 0812345678 or someone@example.com", password: "hunter2-secret" }, () => {
      throw new Error("duplicate key (contact_number)=(0898765432) for Bearer abc.def.ghi");
    }).catch(() => {});
    await flushed("the scrubbed span", () => receiver.spans.some((s) => s.name === "scrub me"));
    const span = receiver.spans.find((s) => s.name === "scrub me");
    const text = JSON.stringify(span);
    expect(span?.eventText).toContain("duplicate key");
    for (const secret of ["0812345678", "someone@example.com", "hunter2-secret", "0898765432", "abc.def.ghi"]) expect(text).not.toContain(secret);
  });
});
