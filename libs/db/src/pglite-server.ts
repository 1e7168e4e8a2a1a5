import { mkdir } from "node:fs/promises";

export interface PgliteServer {
  /** postgres:// URL of the socket server on 127.0.0.1. */
  url: string;
  stop(): Promise<void>;
}

/**
 * PGlite is one single-user Postgres in this process; the socket server speaks the wire
 * protocol so postgres.js (and other processes, e.g. psql) reach it like any server.
 * It accepts one connection at a time: a second one is refused with "Too many connections"
 * while the first is open, so clients must use a pool of one.
 */
export async function startPgliteServer(dataDir: string | undefined): Promise<PgliteServer> {
  // Loaded only when asked for: services on Postgres start without PGlite's WebAssembly.
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([import("@electric-sql/pglite"), import("@electric-sql/pglite-socket")]);
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir === undefined ? {} : { dataDir });
  const server = new PGLiteSocketServer({ db: pglite, host: "127.0.0.1", port: 0 });
  try {
    await server.start();
  } catch (error) {
    await pglite.close();
    throw error;
  }
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop();
      await pglite.close();
    },
  };
}
