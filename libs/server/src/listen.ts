import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import { traceRequests } from "@crm-sync/telemetry";

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  /** Stops accepting, lets in-flight requests finish (bounded), then drops what is left. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Listens on `port` (0 picks a free one) and resolves once the socket is bound. Every request
 * gets a SERVER span continuing the caller's `traceparent`.
 */
export async function listen(app: Express, port: number, host = "127.0.0.1"): Promise<RunningServer> {
  const server = createServer(traceRequests(app)).listen(port, host);
  await once(server, "listening");
  const address = server.address() as AddressInfo;
  const url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${address.port}`;
  return {
    server,
    port: address.port,
    url,
    async close(graceMs = 10_000) {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Long-lived responses (SSE streams) would hold close() forever; after the grace period
      // they are cut so shutdown always finishes.
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      timer.unref();
      await closed;
      clearTimeout(timer);
    },
  };
}
