import { mkdir } from "node:fs/promises";

export interface PgliteServer {
  /** postgres:// URL of the socket server on 127.0.0.1. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Server settings for the embedded database, after PGlite's own start-up parameters (which
 * already run it with fsync off: a local copy that the next sync rebuilds, so no other relaxed
 * durability is needed). PGlite allocates shared_buffers inside its WebAssembly memory, which
 * never shrinks: at its 128 MB default, opening a 100k-customer directory took 414 MB RSS and a
 * 100k-row load peaked at 866 MB; at 16 MB, 257 MB and 750 MB, and the load took as long (its
 * files are the OS page cache's to keep). The loader's own work_mem made no difference there.
 */
export const PGLITE_SETTINGS: readonly string[] = ["shared_buffers=16MB"];

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
  const startParams = [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((setting) => ["-c", setting])];
  const pglite = await PGlite.create(dataDir === undefined ? { startParams } : { dataDir, startParams });
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
