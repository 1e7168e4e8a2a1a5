/**
 * `npm run bench [-- --quick] [-- --out DIR]`: times the loader against the seed's method, the
 * scrape and the whole stack, and writes results.json, results.md and chart.svg.
 *
 * The full run writes into bench/ (the committed figures); --quick writes into bench/out/quick
 * (gitignored) unless --out says otherwise, so a smoke check never replaces them.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromiumMissing, POSTGRES_ADMIN_URL, postgresMissing } from "@crm-sync/testing";
import { DAILY_CHANGE, FULL_PLAN, QUICK_PLAN } from "./lib/bench-plan.ts";
import { timeVsRowsSvg } from "./lib/chart.ts";
import { loadChartPoints } from "./lib/chart-points.ts";
import { currentLoad, describeMachine } from "./lib/machine.ts";
import { gnuTimeMissing } from "./lib/measure.ts";
import { postgresVersion } from "./lib/postgres-databases.ts";
import { renderMarkdown } from "./lib/report-markdown.ts";
import { BenchResults, readResults, type LoadEntry, type ScrapeEntry } from "./lib/results.ts";
import { hostSpeedNote } from "./lib/host-speed.ts";
import { checkTargets } from "./lib/targets.ts";
import { benchEmbedded } from "./scenarios/embedded.ts";
import { benchEndToEnd } from "./scenarios/end-to-end.ts";
import { benchLoads } from "./scenarios/load.ts";
import { baselineSha256 } from "./scenarios/load-processes.ts";
import { benchScrapes } from "./scenarios/scrape.ts";

const BENCH_DIR = fileURLToPath(new URL(".", import.meta.url));

function loadRange(entries: readonly LoadEntry[]): string {
  const loads = entries.flatMap((e) => (e.status === "measured" ? [e.loadAverage] : []));
  return loads.length === 0 ? "n/a" : `${Math.min(...loads)}–${Math.max(...loads)}`;
}

const { values: flags } = parseArgs({ options: { quick: { type: "boolean", default: false }, out: { type: "string" }, help: { type: "boolean", default: false } } });
if (flags.help) {
  process.stdout.write("usage: npm run bench [-- --quick] [-- --out DIR]\n");
  process.exit(0);
}
const plan = flags.quick ? QUICK_PLAN : FULL_PLAN;
const outDir = resolve(flags.out ?? (flags.quick ? join(BENCH_DIR, "out/quick") : BENCH_DIR));
const dataDir = resolve(BENCH_DIR, "out/data");

const startedAt = new Date();
const started = performance.now();
const progress = (message: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);

const missing = gnuTimeMissing() ?? (await postgresMissing());
if (missing !== undefined) {
  process.stderr.write(`bench: ${missing}\n`);
  process.exit(1);
}

const loadBefore = currentLoad();
progress(`${plan.mode} run; results go to ${outDir}`);
const machine = await describeMachine(await postgresVersion());

const loads = await benchLoads(
  { dataDir, sizes: plan.loadSizes, changeRatios: plan.changeRatios, baselineChangeRatio: DAILY_CHANGE, proxyRttMs: 20, postgresUrl: POSTGRES_ADMIN_URL },
  progress,
);
const noChromium = chromiumMissing();
const scrape: ScrapeEntry[] =
  noChromium === undefined ? await benchScrapes(plan.scrape, progress) : plan.scrape.sizes.map((customers) => ({ status: "skipped", customers, reason: noChromium }));
const endToEnd = [await benchEndToEnd(plan.endToEnd, progress)];
const embedded = await benchEmbedded(dataDir, plan.embedded, noChromium, progress);

// Read before this run replaces it: the host-speed note compares the two.
const previous = await readResults(resolve(outDir, "results.json"));
const seedSha256 = await baselineSha256();
const hostSpeed = hostSpeedNote(previous?.mode === plan.mode ? previous : undefined, {
  startedAt: startedAt.toISOString(),
  processFloorMs: loads.processFloorMs,
  baselineSha256: seedSha256,
  load: loads.entries,
});

const notes = [
  "Each timed load gets its own fresh database: a copy (CREATE DATABASE … TEMPLATE, or a copied PGlite directory) of one that holds the base export, loaded untimed and then VACUUM ANALYZEd, as a table that has sat since yesterday's run would be.",
  "customer rows written = inserted + updated + softDeleted + revived from the loader's counts; \"table: n\" counts rows of crm_sync.customers (the table behind the backoffice.customers view) whose transaction id is newer than the run's start, read from Postgres independently of the loader.",
  "The seed's method (bench/baseline/seed-load.ts) reads the whole file into memory, deletes every row of its own table (public.seed_customers) and inserts 100 rows per statement, one round trip each (a prepared statement, as one insert call of the seed's client), outside a transaction; its rows written = deleted + inserted.",
  "+20 ms RTT: both processes talk to the same Postgres through a TCP proxy that holds every chunk 10 ms each way (bench/lib/latency-proxy.ts), like a database across a network.",
  "PGlite runs inside the loader's process, so its peak RSS includes the database; the loader runs there with the Node flags of the embedded mode (libs/config EMBEDDED_NODE_FLAGS), as `crm-sync` does.",
  "`crm-sync load` and `crm-sync start` run as a user's shell runs them: the executable, through its `#!` line (its Node flags) and with the compile cache it keeps itself. Each `crm-sync load` loads into its own copy of a PGlite directory holding the base export; each `crm-sync start` runs with the demo portal on a new home (its first sync then includes creating the database) or on a copy of a home one untimed start and sync made (every start after the first), and its memory is the crm-sync process's own (Chromium runs as processes of its own) read from /proc when its first sync has succeeded.",
  `1-minute load average on the machine: ${loadBefore} at the start, ${loadRange(loads.entries)} across the load scenarios, ${currentLoad()} at the end (other work shares these cores and inflates the figures; each entry in results.json carries its own).`,
  `A Node process that only connects and runs \`select 1\` (bench/baseline/connect-only.ts) takes ${(loads.processFloorMs.loopback.median / 1000).toFixed(2)} s on loopback and ${(loads.processFloorMs["proxy-20ms"].median / 1000).toFixed(2)} s through the proxy: no loader process can take less, so where the seed's method takes less than N times that, N× is out of reach.`,
  ...(hostSpeed === undefined ? [] : [hostSpeed]),
  "At each size, the runs of every scenario on one database take turns (the loader at each change ratio and the seed's method, on loopback and then through the proxy, then round again; warm-ups too), so a slow spell of the shared machine slows them alike.",
  "Both sides run with Node's compile cache (NODE_COMPILE_CACHE), as on a machine that runs them daily; the loader with the Node options of its image (docker/node-service.Dockerfile).",
  ...plan.notes,
];

const results = BenchResults.parse({
  version: 1,
  mode: plan.mode,
  startedAt: startedAt.toISOString(),
  durationSeconds: (performance.now() - started) / 1000,
  machine,
  proxyRttMs: loads.proxyRttMs,
  processFloorMs: loads.processFloorMs,
  baselineSha256: seedSha256,
  load: loads.entries,
  scrape,
  endToEnd,
  embedded,
  targets: checkTargets(loads.entries, loads.processFloorMs, scrape, endToEnd, embedded),
  notes,
});

await mkdir(outDir, { recursive: true });
await writeFile(resolve(outDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
await writeFile(resolve(outDir, "results.md"), renderMarkdown(results));
await writeFile(resolve(outDir, "chart.svg"), await timeVsRowsSvg("Load time vs rows, 1% changed (log–log)", loadChartPoints(results.load, DAILY_CHANGE)));
progress(`done: ${resolve(outDir, "results.md")}`);
process.stdout.write(`${resolve(outDir, "results.md")}\n`);
