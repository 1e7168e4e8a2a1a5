import { createServer, connect, type Server, type Socket } from "node:net";
import { once } from "node:events";
import type { AddressInfo } from "node:net";

export interface LatencyProxy {
  port: number;
  close(): Promise<void>;
}

/**
 * A TCP proxy that delays every chunk by half the round-trip time in each direction, so each
 * request/response exchange costs `rttMs` more, like a database across a network (production
 * talks to Supabase). Chunks keep their order: each direction is a FIFO released on a timer.
 */
export async function startLatencyProxy(target: { host: string; port: number }, rttMs: number): Promise<LatencyProxy> {
  const oneWay = rttMs / 2;
  const sockets = new Set<Socket>();
  const delayPipe = (from: Socket, to: Socket) => {
    from.on("data", (chunk: Buffer) => {
      const timer = setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, oneWay);
      timer.unref();
    });
    from.on("end", () => setTimeout(() => to.end(), oneWay).unref());
    from.on("error", () => to.destroy());
  };
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    // Nagle's algorithm would hold small writes for an ACK and add its own, uneven delay.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client);
    sockets.add(upstream);
    client.on("close", () => sockets.delete(client));
    upstream.on("close", () => sockets.delete(upstream));
    delayPipe(client, upstream);
    delayPipe(upstream, client);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
