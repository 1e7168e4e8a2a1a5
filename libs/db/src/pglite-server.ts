import { execFile } from "node:child_process";
import { access, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { EMBEDDED_NODE_FLAGS } from "@crm-sync/config";
import { pgliteStartParams } from "./pglite-settings.ts";

export interface PgliteServer {
  /** postgres:// URL of the socket server on 127.0.0.1. */
  url: string;
  stop(): Promise<void>;
}

const INITDB = fileURLToPath(new URL("./pglite-initdb.ts", import.meta.url));

/**
 * A new data directory is made by a child process. PGlite runs initdb in a second, in-memory
 * instance and copies its files over as a tar archive: about 450 MB of memory that garbage
 * collection gave back only in part, so a `crm-sync start` on a new home still held 357 MB
 * after its first sync against 268 MB on an existing one. In a child it all ends with the child.
 */
async function createPgliteDirectory(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  if (await access(join(dataDir, "PG_VERSION")).then(() => true, () => false)) return;
  await promisify(execFile)(process.execPath, [...EMBEDDED_NODE_FLAGS, INITDB, dataDir]).catch((error: unknown) => {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim().split("\n").slice(-3).join(" | ");
    throw new Error(`Creating the embedded database directory failed: ${stderr}`, { cause: error });
  });
}

/**
 * PGlite is one single-user Postgres in this process; the socket server speaks the wire
 * protocol so postgres.js (and other processes, e.g. psql) reach it like any server.
 * It accepts one connection at a time: a second one is refused with "Too many connections"
 * while the first is open, so clients must use a pool of one.
 */
export async function startPgliteServer(dataDir: string | undefined): Promise<PgliteServer> {
  if (dataDir !== undefined) await createPgliteDirectory(dataDir);
  // Loaded only when asked for: services on Postgres start without PGlite's WebAssembly.
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([import("@electric-sql/pglite"), import("@electric-sql/pglite-socket")]);
  const startParams = pgliteStartParams(PGlite.defaultStartParams);
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
