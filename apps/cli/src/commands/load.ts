import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import { Command, InvalidArgumentError } from "commander";
import { SyncError } from "@crm-sync/errors";
import { createLogger } from "@crm-sync/logging";
import { DEFAULT_GUARD_LIMITS } from "@crm-sync/loader/guards";

interface LoadOptions {
  file: string;
  databaseUrl: string;
  dryRun?: boolean;
  allowMassDelete?: boolean;
  json?: boolean;
  maxRejectRatio: number;
  maxDeleteRatio: number;
  runId?: string;
}

function ratio(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) throw new InvalidArgumentError("must be a number from 0 to 1");
  return parsed;
}

/** `crm-sync load`: one export file into the customer table, with the service's rules and guards. */
export function loadCommand(): Command {
  return new Command("load")
    .description("Load a customer export CSV into backoffice.customers (diff-upsert in one guarded transaction); prints the counts as JSON")
    .requiredOption("--file <file>", "the exported CSV")
    .requiredOption("--database-url <url>", "postgres://… or pglite://<dir> / pglite://memory")
    .option("--dry-run", "compute and print the diff (keys masked), write nothing")
    .option("--allow-mass-delete", "approve soft-deleting more than the mass-delete threshold")
    .option("--json", "on failure, also print the error as JSON on stdout")
    .option("--max-reject-ratio <ratio>", "largest share of invalid or duplicate rows accepted", ratio, DEFAULT_GUARD_LIMITS.maxRejectRatio)
    .option("--max-delete-ratio <ratio>", "largest share of active customers soft-deleted without approval", ratio, DEFAULT_GUARD_LIMITS.maxDeleteRatio)
    .option("--run-id <id>", "the run this load belongs to (default: a new cli-… id)")
    .action(async (options: LoadOptions) => {
      await runLoad(options);
    });
}

async function runLoad(options: LoadOptions): Promise<void> {
  // Loaded on use, so `crm-sync --help` and the other commands start without the database drivers.
  const [{ migrate, openDatabase }, { DATABASE_SESSION_SETTINGS, LOADER_SESSION_TIMEOUTS, loadExport }] = await Promise.all([import("@crm-sync/db"), import("@crm-sync/loader/load")]);
  try {
    await access(options.file);
  } catch (error) {
    throw new SyncError("BLOB_UNAVAILABLE", "The export file could not be opened.", { cause: error });
  }
  // Progress is for a person watching: never on stdout (scripts parse it), never into a pipe.
  const progress = process.stderr.isTTY ? (text: string) => process.stderr.write(`\r\u001b[K${text}`) : undefined;
  const logger = createLogger({ service: "cli", level: "warn", destination: process.stderr });
  const isPostgres = !options.databaseUrl.startsWith("pglite:");
  // No separate proof of the connection: migrate's first statement is one, classified the same.
  const db = await openDatabase(options.databaseUrl, {
    logger,
    max: 2,
    verify: false,
    timeouts: LOADER_SESSION_TIMEOUTS,
    ...(isPostgres ? { connection: DATABASE_SESSION_SETTINGS } : {}),
  });
  try {
    await migrate(db, { logger });
    const runId = options.runId ?? `cli-${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}-${randomBytes(3).toString("hex")}`;
    let stage = "parsing";
    const result = await loadExport(
      {
        db,
        logger,
        limits: { maxRejectRatio: options.maxRejectRatio, maxDeleteRatio: options.maxDeleteRatio },
        onStage: (next) => {
          stage = next;
          progress?.(`${stage}…`);
        },
        onRows: (rows) => progress?.(`${stage}: ${rows} rows`),
      },
      {
        runId,
        openSource: async () => createReadStream(options.file),
        allowMassDelete: options.allowMassDelete ?? false,
        dryRun: options.dryRun ?? false,
      },
    );
    if (progress !== undefined) process.stderr.write("\r\u001b[K");
    const output = {
      ...result.counts,
      // Where and why rows were rejected: row numbers, columns and codes, never values.
      rejects: result.rejects,
      runId,
      sha256: result.sha256,
      durationMs: result.durationMs,
      ...(result.status === "dry-run" ? { dryRun: true, sample: result.sample } : {}),
    };
    process.stdout.write(`${JSON.stringify(output)}\n`);
  } finally {
    await db.close();
  }
}
