import { baselineFor, speedUp } from "./load-lookup.ts";
import type { BenchResults, LoadEntry, Summary } from "./results.ts";

const count = (n: number) => n.toLocaleString("en-US");
const secs = (ms: number) => (ms >= 10_000 ? (ms / 1000).toFixed(1) : (ms / 1000).toFixed(2));
/** Median with the spread of the timed runs: "2.10 (2.05–2.31) ×3". */
const spread = (s: Summary) => (s.runs === 1 ? `${secs(s.median)} ×1` : `${secs(s.median)} (${secs(s.min)}–${secs(s.max)}) ×${s.runs}`);
/**
 * Peak RSS of the timed runs, median (lowest–highest): "106 (103–147)". One run in several peaks
 * far above the others (README, Benchmarks), and a highest-only figure hid which kind a run was.
 */
const megabytes = (s: Summary) => {
  const [median, min, max] = [s.median, s.min, s.max].map((mb) => mb.toFixed(0));
  return min === max ? `${max}` : `${median} (${min}–${max})`;
};
const percent = (ratio: number) => `${ratio * 100}%`;
const NETWORK: Record<LoadEntry["network"], string> = { loopback: "loopback", "proxy-20ms": "+20 ms RTT", "in-process": "in-process" };
const DATABASE: Record<LoadEntry["database"], string> = { postgres: "Postgres", pglite: "PGlite" };

function row(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [row(header), row(header.map(() => "---")), ...rows.map(row)];
}

function loadRows(results: BenchResults): string[][] {
  return results.load
    .filter((e) => e.implementation === "loader")
    .map((e) => {
      const where = [DATABASE[e.database], NETWORK[e.network], count(e.rows), e.start === "empty" ? "first load" : percent(e.changeRatio)];
      const baseline = baselineFor(results.load, e);
      const baselineCells =
        baseline === undefined
          ? ["—", "—", "—"]
          : baseline.status === "skipped"
            ? [`skipped: ${baseline.reason}`, "—", "—"]
            : [spread(baseline.wallMs), megabytes(baseline.peakRssMb), count(baseline.customerRowsWritten)];
      if (e.status === "skipped") return [...where, `skipped: ${e.reason}`, "—", "—", "—", ...baselineCells, "—"];
      const written = e.customerRowsWrittenObserved === null ? count(e.customerRowsWritten) : `${count(e.customerRowsWritten)} (table: ${count(e.customerRowsWrittenObserved)})`;
      const ratio = speedUp(results.load, e);
      return [...where, spread(e.wallMs), count(Math.round(e.rowsPerSecond.median)), megabytes(e.peakRssMb), written, ...baselineCells, ratio === undefined ? "—" : `${ratio.toFixed(1)}×`];
    });
}

/** The embedded mode's processes, as a user runs them; nothing where the run timed none. */
function embeddedLines({ embedded }: BenchResults): string[] {
  if (embedded.load.length === 0 && embedded.start.length === 0) return [];
  const rows = [
    ...embedded.load.map((e) => {
      const what = [`crm-sync load --database-url pglite://…`, `${count(e.rows)} rows, ${percent(e.changeRatio)} changed`];
      return e.status === "measured" ? [...what, spread(e.wallMs), megabytes(e.peakRssMb), "—"] : [...what, `skipped: ${e.reason}`, "—", "—"];
    }),
    ...embedded.start.map((e) => {
      const what = [`crm-sync start on ${e.home === "new" ? "a new" : "an existing"} home, until its first sync succeeded`, `${count(e.customers)} demo customers`];
      return e.status === "measured" ? [...what, spread(e.firstSyncMs), megabytes(e.peakRssMb), megabytes(e.rssAfterFirstSyncMb)] : [...what, `skipped: ${e.reason}`, "—", "—"];
    }),
  ];
  return [
    "### Embedded mode (PGlite): crm-sync load and crm-sync start",
    "",
    "Whole processes, run as a user's shell runs `crm-sync` (its `#!` line's Node flags, its own compile cache). Seconds and MB as above; \"RSS after first sync\" is the running process's resident memory once its first sync has succeeded.",
    "",
    ...table(["command", "work", "seconds", "peak RSS, MB", "RSS after first sync, MB"], rows),
    "",
  ];
}

/** results.md: the tables the README shows, generated from results.json. */
export function renderMarkdown(results: BenchResults): string {
  const m = results.machine;
  const lines: string[] = [
    `Measured ${results.startedAt.slice(0, 16).replace("T", " ")} UTC (${results.mode} run, ${Math.round(results.durationSeconds)} s) on ${m.cpuModel}, ${m.cores} cores, ${m.ramGb} GB RAM, ${m.os}, Node ${m.nodeVersion}, Postgres ${m.postgresVersion}, PGlite ${m.pgliteVersion}${m.chromium === undefined ? "" : `, ${m.chromium}`}.`,
    "",
    "### Loading an export: crm-sync loader vs. the seed's method",
    "",
    "Both are timed as whole processes (start-up, parsing, database work). Seconds are the median (min–max) of the timed runs after a warm-up; peak RSS is the median (lowest–highest) of the runs' peaks, and the memory targets below judge the median run. " +
      "\"changed\" is the share of customers that differ from the export loaded (untimed) before. The seed's method deletes every row and inserts them again in 100-row batches, whatever changed; " +
      "its figures are for the 1%-changed file and repeat on each line of the same size. " +
      "\"first load\" loads the base export into an empty table (the first sync after switching over), against the seed's method's own first load into an empty table.",
    "",
    ...table(
      ["database", "network", "rows", "changed", "loader, s", "rows/s", "peak RSS, MB", "customer rows written", "seed method, s", "seed RSS, MB", "seed rows written", "speed-up"],
      loadRows(results),
    ),
    "",
  ];
  if (results.proxyRttMs !== null) lines.push(`Through the latency proxy a \`select 1\` took ${results.proxyRttMs.median.toFixed(1)} ms (median of ${results.proxyRttMs.runs}; ${results.proxyRttMs.min.toFixed(1)}–${results.proxyRttMs.max.toFixed(1)}).`, "");

  lines.push("### Scrape and end to end", "");
  lines.push(
    ...table(
      ["scenario", "customers", "seconds", "detail"],
      [
        ...results.scrape.map((e) =>
          e.status === "measured"
            ? ["scrape: sync-requested → csv-ready (Chromium launch, login, export, upload)", count(e.customers), spread(e.ms), `${count(e.rows)} rows, ${count(e.bytes)} bytes`]
            : ["scrape: sync-requested → csv-ready", count(e.customers), "—", `skipped: ${e.reason}`],
        ),
        ...results.endToEnd.map((e) =>
          e.status === "measured"
            ? ["end to end on the emulator stack: POST /v1/syncs → run finished", count(e.customers), spread(e.ms), e.finalStatus]
            : ["end to end on the emulator stack: POST /v1/syncs → run finished", count(e.customers), "—", `skipped: ${e.reason}`],
        ),
      ],
    ),
    "",
  );

  lines.push(...embeddedLines(results));

  lines.push("### Targets", "");
  lines.push(...table(["target", "measured", "met"], results.targets.map((t) => [t.target, t.measured, t.met === null ? "—" : t.met ? "yes" : "**no**"])), "");
  if (results.notes.length > 0) lines.push("### Notes", "", ...results.notes.map((n) => `- ${n}`), "");
  return `${lines.join("\n")}\n`.replace(/\n{3,}/g, "\n\n");
}
