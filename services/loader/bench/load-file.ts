/**
 * Benchmark entry: one local export file into DATABASE_URL, timed by the caller as a whole
 * process. It imports only the load path (no HTTP server, bus, blob store or CLI framework), so
 * what is measured is start-up + parse + diff + write. Migrations are checked only with
 * MIGRATE_ON_START=true (the default, as in the services): the service checks them once at
 * start-up, not per load, so timed runs switch it off after the untimed priming load applied them.
 *
 *   DATABASE_URL=postgres://… node services/loader/bench/load-file.ts <file.csv> [runId]
 *
 * Prints one JSON line: the counts, runId and the loader's own durationMs.
 */
import { createReadStream } from "node:fs";
import { z } from "zod";
import { migrate, openDatabase } from "@crm-sync/db";
import { createLogger } from "@crm-sync/logging";
import { DATABASE_SESSION_SETTINGS, LOADER_SESSION_TIMEOUTS } from "../src/database-settings.ts";

const Env = z.object({ DATABASE_URL: z.string().min(1), MIGRATE_ON_START: z.stringbool().default(true) });
const Args = z.tuple([z.string().min(1), z.string().min(1).optional()]);

const env = Env.parse(process.env);
const [file, runIdArg] = Args.parse(process.argv.slice(2));
const runId = runIdArg ?? `bench-${Date.now()}`;

const logger = createLogger({ service: "loader-bench", level: "warn", destination: process.stderr });
const isPostgres = !env.DATABASE_URL.startsWith("pglite:");
// The same connection settings as the CLI and the service, so the figures are theirs. The
// connection is made (and proved by a `select 1`) while the load path's modules load;
// `crm-sync load` makes it with its migration check instead, which timed runs leave out.
const [db, { loadExport }] = await Promise.all([
  openDatabase(env.DATABASE_URL, { logger, max: 2, timeouts: LOADER_SESSION_TIMEOUTS, ...(isPostgres ? { connection: DATABASE_SESSION_SETTINGS } : {}) }),
  import("../src/load.ts"),
]);
try {
  if (env.MIGRATE_ON_START) await migrate(db, { logger });
  const result = await loadExport({ db, logger }, { runId, openSource: async () => createReadStream(file) });
  process.stdout.write(`${JSON.stringify({ status: result.status, runId, ...result.counts, durationMs: result.durationMs })}\n`);
} finally {
  await db.close();
}
