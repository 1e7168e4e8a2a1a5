import { PGlite } from "@electric-sql/pglite";

/** An in-memory PGlite instance; `close()` it when done. */
export async function openPglite(): Promise<PGlite> {
  const db = new PGlite();
  await db.waitReady;
  return db;
}
