import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { EMBEDDED_NODE_FLAGS, SERVICE_NODE_OPTIONS } from "@crm-sync/config";
import { SyncCounts } from "@crm-sync/contracts";
import { lastJsonLine, measureProcess, type ProcessMeasurement } from "../lib/measure.ts";

const NODE = process.execPath;
const LOAD_FILE = fileURLToPath(new URL("../../services/loader/bench/load-file.ts", import.meta.url));
const SEED_LOAD = fileURLToPath(new URL("../baseline/seed-load.ts", import.meta.url));
const CONNECT_ONLY = fileURLToPath(new URL("../baseline/connect-only.ts", import.meta.url));

/**
 * Both sides run with Node's on-disk compile cache, as on a machine that runs them every day:
 * module compilation is start-up cost neither would pay twice. Node keys its entries by source,
 * so one directory serves every run (the warm-up runs fill it after a change).
 */
const COMPILE_CACHE = { NODE_COMPILE_CACHE: join(tmpdir(), "crm-sync-bench-compile-cache") };

/** What services/loader/bench/load-file.ts prints: the load's counts and its status. */
const LoaderOutput = z.object({ status: z.literal("loaded"), ...SyncCounts.shape });
export type LoaderOutput = z.infer<typeof LoaderOutput>;

const BaselineOutput = z.object({ rows: z.number().int(), deleted: z.number().int(), inserted: z.number().int() });
export type BaselineOutput = z.infer<typeof BaselineOutput>;

export interface TimedProcess<T> {
  wallMs: number;
  peakRssMb: number;
  output: T;
}

function succeeded(what: string, measurement: ProcessMeasurement): ProcessMeasurement {
  if (measurement.exitCode === 0) return measurement;
  const tail = measurement.stderr.trim().split("\n").slice(-5).join("\n");
  throw new Error(`${what} exited with ${measurement.exitCode}:\n${tail}`);
}

/**
 * Our loader as its own process: services/loader/bench/load-file.ts. `migrate` only for the
 * untimed priming load: a deployed loader checks migrations once at start-up, not per load.
 */
export async function runLoader(file: string, databaseUrl: string, runId: string, migrate = false): Promise<TimedProcess<LoaderOutput>> {
  const env = { ...process.env, ...COMPILE_CACHE, NODE_OPTIONS: SERVICE_NODE_OPTIONS, DATABASE_URL: databaseUrl, MIGRATE_ON_START: String(migrate) };
  // On PGlite the process is an embedded one: the flags `crm-sync` runs with.
  const flags = databaseUrl.startsWith("pglite:") ? EMBEDDED_NODE_FLAGS : [];
  const measured = succeeded("the loader", await measureProcess(NODE, [...flags, LOAD_FILE, file, runId], env));
  return { wallMs: measured.wallMs, peakRssMb: measured.peakRssMb, output: LoaderOutput.parse(lastJsonLine(measured)) };
}

/** The seed's method as its own process: bench/baseline/seed-load.ts. */
export async function runBaseline(file: string, databaseUrl: string): Promise<TimedProcess<BaselineOutput>> {
  const measured = succeeded("the baseline", await measureProcess(NODE, [SEED_LOAD, file, databaseUrl], { ...process.env, ...COMPILE_CACHE }));
  return { wallMs: measured.wallMs, peakRssMb: measured.peakRssMb, output: BaselineOutput.parse(lastJsonLine(measured)) };
}

/** The seed method's source by hash, so a run compares the seed's times only with runs of the same method. */
export async function baselineSha256(): Promise<string> {
  return createHash("sha256").update(await readFile(SEED_LOAD)).digest("hex");
}

/** The floor: a Node process that only connects and runs `select 1` (bench/baseline/connect-only.ts). */
export async function runConnectOnly(databaseUrl: string): Promise<number> {
  const measured = succeeded("connect-only", await measureProcess(NODE, [CONNECT_ONLY, databaseUrl], { ...process.env, ...COMPILE_CACHE }));
  z.object({ one: z.literal(1) }).parse(lastJsonLine(measured));
  return measured.wallMs;
}

/** Customer rows a load wrote, by its own account. */
export function rowsWrittenByLoader(output: LoaderOutput): number {
  return output.inserted + output.updated + output.softDeleted + output.revived;
}

/** The baseline rewrites the table: every old row deleted, every row inserted. */
export function rowsWrittenByBaseline(output: BaselineOutput): number {
  return output.deleted + output.inserted;
}
