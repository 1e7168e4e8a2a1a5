import { connect, type Socket } from "node:net";

/** What postgres.js hands its `socket` option (documented in its README, absent from its types). */
export interface SocketTarget {
  host: string[];
  port: number[];
}

/**
 * postgres.js connects with Nagle's algorithm on. A COPY ends with a small CopyDone message
 * written right after data the server never answers, so the kernel holds it back until the
 * server's delayed ACK: about 40 ms on every load. Opening the socket ourselves with noDelay
 * removes the stall; postgres.js still does TLS, start-up and the connect timeout on it (writes
 * queue until the socket connects, and a connect error reaches postgres.js as the socket's
 * `error` event). TCP only: a database URL names one host and port (see parseDatabaseUrl).
 */
export function noDelaySocket(target: SocketTarget): Socket {
  const host = target.host[0] ?? "localhost";
  const socket = connect({ host, port: target.port[0] ?? 5432, noDelay: true });
  // postgres.js reads `socket.host` for TLS server name indication.
  return Object.assign(socket, { host });
}
