import {
  createBenchDatabase,
  currentTransactionId,
  customerRowsWrittenSince,
  dropBenchDatabase,
  settleBenchDatabase,
  type BenchDatabase,
} from "../lib/postgres-databases.ts";
import { copyPgliteDirectory, createPgliteDirectory, removePgliteDirectory, settlePgliteDirectory, type PgliteDirectory } from "../lib/pglite-directories.ts";
import { migrate, openDatabase } from "@crm-sync/db";
import type { ExportFile } from "../lib/data-files.ts";
import { runBaseline, runLoader } from "./load-processes.ts";

/** A database holding the base export, loaded once, from which every timed run gets a fresh copy. */
export interface PrimedStore {
  database: "postgres" | "pglite";
  fresh(): Promise<FreshStore>;
  dispose(): Promise<void>;
}

/** One timed run's own database. */
export interface FreshStore {
  url: string;
  /** Starts counting customer-table writes; null where the store cannot tell (PGlite). */
  watchWrites(): Promise<(() => Promise<number>) | null>;
  dispose(): Promise<void>;
}

/** Postgres: the base export loaded by our loader and by the baseline (its own table), then settled. */
export async function primePostgres(base: ExportFile): Promise<PrimedStore> {
  const primed = await createBenchDatabase();
  try {
    await runLoader(base.path, primed.url, "bench-base", true);
    await runBaseline(base.path, primed.url);
    await settleBenchDatabase(primed);
  } catch (error) {
    await dropBenchDatabase(primed);
    throw error;
  }
  return copiesOf(primed);
}

/** A Postgres store whose timed runs each get a copy of `template`. */
function copiesOf(template: BenchDatabase): PrimedStore {
  return {
    database: "postgres",
    async fresh() {
      const copy: BenchDatabase = await createBenchDatabase(template);
      return {
        url: copy.url,
        async watchWrites() {
          const since = await currentTransactionId(copy);
          return () => customerRowsWrittenSince(copy, since);
        },
        dispose: () => dropBenchDatabase(copy),
      };
    },
    dispose: () => dropBenchDatabase(template),
  };
}

/**
 * Postgres with crm-sync's schema and no customers: the first sync after switching over. The
 * seed's method makes its own table on its first run, so its copy starts without one as well.
 */
export async function emptyPostgres(): Promise<PrimedStore> {
  const empty = await createBenchDatabase();
  try {
    const db = await openDatabase(empty.url, { max: 1 });
    try {
      await migrate(db);
    } finally {
      await db.close();
    }
    await settleBenchDatabase(empty);
  } catch (error) {
    await dropBenchDatabase(empty);
    throw error;
  }
  return copiesOf(empty);
}

/** PGlite: the base export loaded by our loader into a data directory, then settled. */
export async function primePglite(base: ExportFile): Promise<PrimedStore> {
  const primed: PgliteDirectory = await createPgliteDirectory();
  try {
    await runLoader(base.path, primed.url, "bench-base", true);
    await settlePgliteDirectory(primed);
  } catch (error) {
    await removePgliteDirectory(primed);
    throw error;
  }
  return {
    database: "pglite",
    async fresh() {
      const copy = await copyPgliteDirectory(primed);
      return { url: copy.url, watchWrites: async () => null, dispose: () => removePgliteDirectory(copy) };
    },
    dispose: () => removePgliteDirectory(primed),
  };
}
