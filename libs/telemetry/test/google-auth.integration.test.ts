import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startOtlpReceiver, waitFor, type OtlpReceiver } from "@crm-sync/testing";
import { startTelemetry, withSpan, type StopTelemetry } from "../src/index.ts";

const TOKEN = "ya29.synthetic-test-token";

/**
 * Google's metadata server as Cloud Run serves it to a service (the only credential source there):
 * no real one can run here, so this answers the two requests google-auth-library makes.
 */
async function startMetadataServer(): Promise<{ host: string; tokenRequests: string[]; server: Server }> {
  const tokenRequests: string[] = [];
  const server = createServer((req, res) => {
    if (req.headers["metadata-flavor"] !== "Google") {
      res.writeHead(403).end();
      return;
    }
    const headers = { "metadata-flavor": "Google", "content-type": "application/json" };
    if (req.url?.startsWith("/computeMetadata/v1/instance/service-accounts/default/token")) {
      tokenRequests.push(req.url);
      res.writeHead(200, headers).end(JSON.stringify({ access_token: TOKEN, expires_in: 3599, token_type: "Bearer" }));
      return;
    }
    res.writeHead(200, { ...headers, "content-type": "text/plain" }).end("");
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, tokenRequests, server };
}

describe("export to Cloud Trace's OTLP endpoint with Google credentials (OTLP_AUTH=google)", () => {
  let receiver: OtlpReceiver;
  let metadata: Awaited<ReturnType<typeof startMetadataServer>>;
  let stop: StopTelemetry;

  beforeAll(async () => {
    metadata = await startMetadataServer();
    vi.stubEnv("GCE_METADATA_HOST", metadata.host);
    vi.stubEnv("GOOGLE_APPLICATION_CREDENTIALS", "");
    vi.stubEnv("OTEL_BSP_SCHEDULE_DELAY", "100");
    receiver = await startOtlpReceiver();
    stop = await startTelemetry({ serviceName: "auth-test", projectId: "crm-sync-test", otlpEndpoint: receiver.url, otlpAuth: "google" });
  });

  afterAll(async () => {
    await stop?.();
    await receiver?.stop();
    metadata?.server.close();
    vi.unstubAllEnvs();
  });

  it("sends the service account's access token with each export, asks only for trace.append, and exports no span of the token fetch", async () => {
    await withSpan("authenticated", {}, () => undefined);
    await waitFor(() => receiver.spans.some((s) => s.name === "authenticated") || undefined, { what: "the exported span", timeoutMs: 15_000 });
    expect(receiver.requests.every((headers) => headers["authorization"] === `Bearer ${TOKEN}`)).toBe(true);
    expect(metadata.tokenRequests.length).toBeGreaterThan(0);
    expect(decodeURIComponent(metadata.tokenRequests[0] ?? "")).toContain("scopes=https://www.googleapis.com/auth/trace.append");
    // A span of the token fetch would have ended during that export and left with the next batch.
    await withSpan("second", {}, () => undefined);
    await waitFor(() => receiver.spans.some((s) => s.name === "second") || undefined, { what: "the second export", timeoutMs: 15_000 });
    expect(receiver.spans.map((s) => s.name)).toEqual(["authenticated", "second"]);
    expect(receiver.spans[0]?.resource["gcp.project_id"]).toBe("crm-sync-test");
  });
});
