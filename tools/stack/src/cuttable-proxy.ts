import { connect, createServer, type Server, type Socket } from "node:net";
import { once } from "node:events";
import type { AddressInfo } from "node:net";

export interface CuttableProxy {
  /** Where clients connect instead of the target. */
  host: string;
  port: number;
  /** Drops every open connection and refuses new ones until `restore()`: the database "goes away". */
  cut(): void;
  restore(): void;
  readonly isCut: boolean;
  close(): Promise<void>;
}

/**
 * A TCP pass-through in front of a shared server (Postgres) that a test can cut and restore.
 * Cutting it looks to the services like the server stopping, without stopping the server other
 * suites use. A cut accepts and immediately resets new connections, as a dead server's host would.
 */
export async function startCuttableProxy(target: { host: string; port: number }): Promise<CuttableProxy> {
  const pairs = new Set<Socket>();
  let isCut = false;
  const server: Server = createServer((client) => {
    if (isCut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    for (const socket of [client, upstream]) {
      pairs.add(socket);
      socket.on("close", () => pairs.delete(socket));
      // A reset on one side resets the other; the error itself is the point of a cut.
      socket.on("error", () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    host: "127.0.0.1",
    port,
    cut() {
      isCut = true;
      for (const socket of pairs) socket.resetAndDestroy();
    },
    restore() {
      isCut = false;
    },
    get isCut() {
      return isCut;
    },
    async close() {
      for (const socket of pairs) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
