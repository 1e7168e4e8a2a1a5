import { exportFile, type ExportFile } from "../lib/data-files.ts";
import { startLatencyProxy, type LatencyProxy } from "../lib/latency-proxy.ts";
import { repeat, repeatInterleaved, summarizeBy, type RepeatPlan, type Repeated } from "../lib/repeat.ts";
import { currentLoad } from "../lib/machine.ts";
import { roundTripsMs } from "../lib/postgres-databases.ts";
import type { LoadEntry, ProcessFloor } from "../lib/results.ts";
import { summarize, type Summary } from "../lib/stats.ts";
import { rowsWrittenByBaseline, rowsWrittenByLoader, runBaseline, runConnectOnly, runLoader } from "./load-processes.ts";
import { emptyPostgres, primePglite, primePostgres, type PrimedStore } from "./load-stores.ts";

export interface LoadSizePlan extends RepeatPlan {
  rows: number;
  /** Change ratios timed on PGlite at this size ([] for none): a million rows on PGlite takes minutes a run. */
  pgliteRatios: readonly number[];
  /** Whether the loader and the baseline also run through the latency proxy at this size. */
  proxied: boolean;
  /** Whether the first load into an empty table (loader and seed's method, on Postgres) is timed at this size. */
  firstLoad: boolean;
  /** Why PGlite is left out at this size where it is, for the table. */
  skipReasons: { pglite?: string };
  /** Fewer runs where one is slow: the baseline through the proxy (half a minute at 100k, four at 1M), PGlite at 1M. */
  slowRepeat?: { proxiedBaseline?: RepeatPlan; pglite?: RepeatPlan };
}

export interface LoadPlan {
  dataDir: string;
  sizes: readonly LoadSizePlan[];
  changeRatios: readonly number[];
  /** The baseline always rewrites everything, so it is timed once per size, on this file. */
  baselineChangeRatio: number;
  proxyRttMs: number;
  /** The server every Postgres scenario runs on (an admin URL: databases are created on it). */
  postgresUrl: string;
}

export interface LoadResults {
  entries: LoadEntry[];
  /** `select 1` round trips through the proxy, proving what it adds. */
  proxyRttMs: Summary;
  /** A Node process that only connects and runs `select 1`: no loader can take less. */
  processFloorMs: ProcessFloor;
}

const FLOOR_RUNS: RepeatPlan = { warmups: 1, repetitions: 5 };

type Network = LoadEntry["network"];
type Progress = (message: string) => void;

interface Sample {
  wallMs: number;
  peakRssMb: number;
  rowsPerSecond: number;
  written: number;
  observed: number | null;
  counts: Extract<LoadEntry, { status: "measured" }>["counts"];
}

function viaProxy(url: string, proxy: LatencyProxy | undefined): string {
  if (proxy === undefined) return url;
  const proxied = new URL(url);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(proxy.port);
  return proxied.toString();
}

/** One timed run on its own fresh copy of the store. */
async function timeOnce(store: PrimedStore, implementation: LoadEntry["implementation"], file: ExportFile, proxy: LatencyProxy | undefined): Promise<Sample> {
  const fresh = await store.fresh();
  try {
    const writes = await fresh.watchWrites();
    const url = viaProxy(fresh.url, proxy);
    if (implementation === "loader") {
      const run = await runLoader(file.path, url, `bench-${Date.now()}`);
      const { status: _status, ...counts } = run.output;
      return {
        wallMs: run.wallMs,
        peakRssMb: run.peakRssMb,
        rowsPerSecond: (file.rows / run.wallMs) * 1000,
        written: rowsWrittenByLoader(run.output),
        observed: writes === null ? null : await writes(),
        counts,
      };
    }
    const run = await runBaseline(file.path, url);
    return {
      wallMs: run.wallMs,
      peakRssMb: run.peakRssMb,
      rowsPerSecond: (file.rows / run.wallMs) * 1000,
      written: rowsWrittenByBaseline(run.output),
      observed: null,
      counts: null,
    };
  } finally {
    await fresh.dispose();
  }
}

/** `start` "empty": the file is loaded into an empty table (the first load), every customer new. */
type Scenario = { implementation: LoadEntry["implementation"]; network: Network; file: ExportFile; start: LoadEntry["start"] };
/** A scenario, the store its runs copy, how often it runs, and the proxy its runs go through (none: loopback or PGlite). */
type ScenarioRuns = { scenario: Scenario; store: PrimedStore; plan: RepeatPlan; proxy?: LatencyProxy };

function entryOf(store: PrimedStore, scenario: Scenario, { samples, last }: Repeated<Sample>, progress: Progress): LoadEntry {
  const { implementation, network, file, start } = scenario;
  const wallMs = summarizeBy(samples, (s) => s.wallMs);
  const what = start === "empty" ? "first load into an empty table" : `${file.changeRatio * 100}% changed`;
  progress(`${implementation} ${store.database} ${network} ${file.rows} rows, ${what}: median ${(wallMs.median / 1000).toFixed(2)} s, wrote ${last.written}`);
  return {
    status: "measured",
    implementation,
    database: store.database,
    network,
    rows: file.rows,
    changeRatio: start === "empty" ? 1 : file.changeRatio,
    start,
    wallMs,
    rowsPerSecond: summarizeBy(samples, (s) => s.rowsPerSecond),
    peakRssMb: summarizeBy(samples, (s) => s.peakRssMb),
    customerRowsWritten: last.written,
    customerRowsWrittenObserved: last.observed,
    counts: last.counts,
    loadAverage: currentLoad(),
  };
}

/**
 * Scenarios whose runs take turns (see repeatInterleaved), so the change ratios, the first load,
 * the networks and the seed's method are read side by side. Entries come back in the order given.
 */
async function measureInterleaved(runs: readonly ScenarioRuns[], progress: Progress): Promise<LoadEntry[]> {
  const repeated = await repeatInterleaved(runs.map(({ scenario, store, plan, proxy }) => ({ plan, once: () => timeOnce(store, scenario.implementation, scenario.file, proxy) })));
  return runs.map(({ scenario, store }, i) => {
    const samples = repeated[i];
    if (samples === undefined) throw new Error("unreachable: one result per scenario");
    return entryOf(store, scenario, samples, progress);
  });
}

/**
 * Loader and baseline at every size: the base export is loaded untimed into a primed store,
 * then each timed run loads the changed export into its own copy of it. Postgres runs on
 * loopback and through the latency proxy; PGlite at the change ratios each size names.
 */
export async function benchLoads(plan: LoadPlan, progress: Progress): Promise<LoadResults> {
  const entries: LoadEntry[] = [];
  const server = new URL(plan.postgresUrl);
  const proxy = await startLatencyProxy({ host: server.hostname, port: Number(server.port || 5432) }, plan.proxyRttMs);
  try {
    const proxyRttMs = summarize(await roundTripsMs(viaProxy(plan.postgresUrl, proxy), 20));
    progress(`latency proxy: select 1 takes ${proxyRttMs.median.toFixed(1)} ms (median of 20)`);
    const floor = async (url: string) => summarizeBy((await repeat(FLOOR_RUNS, () => runConnectOnly(url))).samples, (ms) => ms);
    const processFloorMs = { loopback: await floor(plan.postgresUrl), "proxy-20ms": await floor(viaProxy(plan.postgresUrl, proxy)) };
    progress(`process floor (connect + select 1): ${processFloorMs.loopback.median.toFixed(0)} ms on loopback, ${processFloorMs["proxy-20ms"].median.toFixed(0)} ms through the proxy`);
    for (const size of plan.sizes) {
      progress(`preparing ${size.rows} rows`);
      const base = await exportFile(plan.dataDir, size.rows, 0);
      const changed = await Promise.all(plan.changeRatios.map((ratio) => exportFile(plan.dataDir, size.rows, ratio)));
      const baselineFile = await exportFile(plan.dataDir, size.rows, plan.baselineChangeRatio);

      const postgres = await primePostgres(base);
      let empty: PrimedStore | undefined;
      try {
        if (size.firstLoad) empty = await emptyPostgres();
        const networks: [Network, LatencyProxy | undefined][] = [["loopback", undefined]];
        if (size.proxied) networks.push(["proxy-20ms", proxy]);
        const runs: ScenarioRuns[] = [];
        for (const [network, via] of networks) {
          const through = via === undefined ? {} : { proxy: via };
          const baselineRuns = (network === "proxy-20ms" ? size.slowRepeat?.proxiedBaseline : undefined) ?? size;
          for (const file of changed) runs.push({ scenario: { implementation: "loader", network, file, start: "loaded" }, store: postgres, plan: size, ...through });
          runs.push({ scenario: { implementation: "baseline", network, file: baselineFile, start: "loaded" }, store: postgres, plan: baselineRuns, ...through });
          if (empty === undefined) continue;
          runs.push({ scenario: { implementation: "loader", network, file: base, start: "empty" }, store: empty, plan: size, ...through });
          runs.push({ scenario: { implementation: "baseline", network, file: base, start: "empty" }, store: empty, plan: baselineRuns, ...through });
        }
        entries.push(...(await measureInterleaved(runs, progress)));
      } finally {
        await postgres.dispose();
        await empty?.dispose();
      }

      // One primed PGlite directory per size, and the entries in change order whether timed or not.
      const pglite = size.pgliteRatios.length > 0 ? await primePglite(base) : undefined;
      try {
        const timed = changed.filter((file) => size.pgliteRatios.includes(file.changeRatio));
        const measured =
          pglite === undefined
            ? []
            : await measureInterleaved(
                timed.map((file) => ({ scenario: { implementation: "loader", network: "in-process", file, start: "loaded" }, store: pglite, plan: size.slowRepeat?.pglite ?? size })),
                progress,
              );
        const byFile = new Map(timed.map((file, i) => [file, measured[i]]));
        for (const file of changed) {
          const entry = byFile.get(file);
          const reason = size.skipReasons.pglite ?? "PGlite is not timed at this size";
          entries.push(entry ?? { status: "skipped", implementation: "loader", database: "pglite", network: "in-process", rows: size.rows, changeRatio: file.changeRatio, start: "loaded", reason });
        }
      } finally {
        await pglite?.dispose();
      }
    }
    return { entries, proxyRttMs, processFloorMs };
  } finally {
    await proxy.close();
  }
}
