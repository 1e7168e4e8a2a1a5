import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "@crm-sync/db";

/** A PGlite data directory; `url` is what the loader takes (`pglite:///abs/dir`). */
export interface PgliteDirectory {
  dir: string;
  url: string;
}

export async function createPgliteDirectory(): Promise<PgliteDirectory> {
  const dir = await mkdtemp(join(tmpdir(), "crm-sync-bench-pglite-"));
  return { dir, url: `pglite://${dir}` };
}

/** A copy of a primed directory: the PGlite twin of CREATE DATABASE … TEMPLATE. */
export async function copyPgliteDirectory(source: PgliteDirectory): Promise<PgliteDirectory> {
  const copy = await createPgliteDirectory();
  await cp(source.dir, copy.dir, { recursive: true });
  return copy;
}

export async function removePgliteDirectory(directory: PgliteDirectory): Promise<void> {
  await rm(directory.dir, { recursive: true, force: true });
}

/** As settleBenchDatabase: the table as it stands a day after the base load. */
export async function settlePgliteDirectory(directory: PgliteDirectory): Promise<void> {
  const db = await openDatabase(directory.url);
  try {
    await db.sql.unsafe("vacuum (analyze)");
  } finally {
    await db.close();
  }
}
