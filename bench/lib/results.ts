import { readFile } from "node:fs/promises";
import { z } from "zod";
import { SyncCounts } from "@crm-sync/contracts";

/** Median and spread of one measurement over the timed repetitions. */
export const Summary = z.object({
  median: z.number(),
  min: z.number(),
  max: z.number(),
  runs: z.number().int().positive(),
});
export type Summary = z.infer<typeof Summary>;

const Skipped = z.object({ status: z.literal("skipped"), reason: z.string().min(1) });

/** The loader's printed counts, from the last timed run. */
const LoadCounts = SyncCounts;

const LoadScenario = z.object({
  implementation: z.enum(["loader", "baseline"]),
  database: z.enum(["postgres", "pglite"]),
  network: z.enum(["loopback", "proxy-20ms", "in-process"]),
  rows: z.number().int().positive(),
  /** Share of customers changed since the base export that was loaded (untimed) first; 1 for a first load (every customer new). */
  changeRatio: z.number().min(0).max(1),
  /**
   * What the timed run loaded into: the table holding the base export ("loaded"), or an empty
   * one, the first sync after switching over ("empty"; the seed's method then starts from an
   * empty table of its own too). Results written before first loads were timed are all "loaded".
   */
  start: z.enum(["loaded", "empty"]).default("loaded"),
});

export const LoadEntry = z.discriminatedUnion("status", [
  LoadScenario.extend({
    status: z.literal("measured"),
    wallMs: Summary,
    rowsPerSecond: Summary,
    peakRssMb: Summary,
    /** Customer-table rows the timed run wrote: inserted + updated + softDeleted + revived; for the baseline deleted + inserted. */
    customerRowsWritten: z.number().int().nonnegative(),
    /** Postgres only: rows of the customer table carrying a transaction id newer than the run's start (read from the table, not the loader). */
    customerRowsWrittenObserved: z.number().int().nonnegative().nullable(),
    counts: LoadCounts.nullable(),
    /** The machine's 1-minute load average when the timed runs ended: other work inflates every figure. */
    loadAverage: z.number().nonnegative(),
  }),
  LoadScenario.extend(Skipped.shape),
]);
export type LoadEntry = z.infer<typeof LoadEntry>;

export const ScrapeEntry = z.discriminatedUnion("status", [
  z.object({ status: z.literal("measured"), customers: z.number().int().positive(), ms: Summary, rows: z.number().int(), bytes: z.number().int() }),
  z.object({ customers: z.number().int().positive(), ...Skipped.shape }),
]);
export type ScrapeEntry = z.infer<typeof ScrapeEntry>;

export const EndToEndEntry = z.discriminatedUnion("status", [
  z.object({ status: z.literal("measured"), customers: z.number().int().positive(), ms: Summary, finalStatus: z.string() }),
  z.object({ customers: z.number().int().positive(), ...Skipped.shape }),
]);
export type EndToEndEntry = z.infer<typeof EndToEndEntry>;

/** `crm-sync load --database-url pglite://<dir>` as a user runs it: the executable, its own flags and compile cache. */
export const CliLoadEntry = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("measured"),
    rows: z.number().int().positive(),
    changeRatio: z.number().min(0).max(1),
    wallMs: Summary,
    peakRssMb: Summary,
    counts: SyncCounts,
    loadAverage: z.number().nonnegative(),
  }),
  z.object({ rows: z.number().int().positive(), changeRatio: z.number().min(0).max(1), ...Skipped.shape }),
]);
export type CliLoadEntry = z.infer<typeof CliLoadEntry>;

/**
 * `crm-sync start` with the demo portal, from launch until its first sync succeeded, on a new home
 * (the first start ever: it makes the database and applies every migration) or an existing one.
 */
const StartHome = z.enum(["new", "existing"]);
export const StartEntry = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("measured"),
    customers: z.number().int().positive(),
    home: StartHome,
    /** Launch → the first sync's run reads succeeded. */
    firstSyncMs: Summary,
    /** The crm-sync process's resident memory then (Chromium runs as processes of its own). */
    rssAfterFirstSyncMb: Summary,
    /** The process's highest resident memory up to then (VmHWM). */
    peakRssMb: Summary,
    loadAverage: z.number().nonnegative(),
  }),
  z.object({ customers: z.number().int().positive(), home: StartHome, ...Skipped.shape }),
]);
export type StartEntry = z.infer<typeof StartEntry>;

/** The embedded mode's own processes; absent in runs from before they were timed. */
export const EmbeddedResults = z.object({ load: z.array(CliLoadEntry), start: z.array(StartEntry) });
export type EmbeddedResults = z.infer<typeof EmbeddedResults>;

export const Machine = z.object({
  cpuModel: z.string(),
  cores: z.number().int().positive(),
  ramGb: z.number().positive(),
  os: z.string(),
  nodeVersion: z.string(),
  postgresVersion: z.string(),
  pgliteVersion: z.string(),
  /** Absent in runs from before it was recorded. */
  chromium: z.string().optional(),
});
export type Machine = z.infer<typeof Machine>;

export const TargetCheck = z.object({
  target: z.string(),
  measured: z.string(),
  /** null when the scenario behind it was not measured (skipped, or not in quick mode). */
  met: z.boolean().nullable(),
});
export type TargetCheck = z.infer<typeof TargetCheck>;

/** Wall time of a Node process that only connects to Postgres and runs `select 1`, per network. */
export const ProcessFloor = z.object({ loopback: Summary, "proxy-20ms": Summary });
export type ProcessFloor = z.infer<typeof ProcessFloor>;

export const BenchResults = z.object({
  version: z.literal(1),
  mode: z.enum(["full", "quick"]),
  startedAt: z.iso.datetime(),
  durationSeconds: z.number().positive(),
  machine: Machine,
  /** Round trip through the latency proxy, measured with `select 1` before the proxied runs. */
  proxyRttMs: Summary.nullable(),
  /** The least any Node loader process can take (bench/baseline/connect-only.ts). */
  processFloorMs: ProcessFloor,
  /** sha256 of bench/baseline/seed-load.ts: the seed's times compare between runs only where it is the same. */
  baselineSha256: z.string().optional(),
  load: z.array(LoadEntry),
  scrape: z.array(ScrapeEntry),
  endToEnd: z.array(EndToEndEntry),
  embedded: EmbeddedResults.default({ load: [], start: [] }),
  targets: z.array(TargetCheck),
  notes: z.array(z.string()),
});
export type BenchResults = z.infer<typeof BenchResults>;

/** A results.json written before, or undefined when there is none or it no longer parses. */
export async function readResults(file: string): Promise<BenchResults | undefined> {
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = BenchResults.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
