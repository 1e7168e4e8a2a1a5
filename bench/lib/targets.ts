import { DAILY_CHANGE } from "./bench-plan.ts";
import { baselineFor, findLoad, measuredLoads, speedUp } from "./load-lookup.ts";
import type { EmbeddedResults, EndToEndEntry, LoadEntry, ProcessFloor, ScrapeEntry, Summary, TargetCheck } from "./results.ts";

/** Speed-ups are judged from this size up; below it start-up dominates, and they are reported only. */
const JUDGED_FROM_ROWS = 100_000;

/** "Flat memory": a million rows may cost at most this much more peak RSS than 100k rows. */
const FLAT_MEMORY_FACTOR = 1.25;
const FLAT_MEMORY_TARGET = `flat memory: 1M rows, 1% changed, within ${FLAT_MEMORY_FACTOR}× the peak RSS of 100k rows (median runs)`;

/**
 * Memory is judged on the median run (the team's decision, issue "Loader speed"): one load in
 * several peaks 30–40 MB higher when V8 pretenures the parse's objects early (README, Benchmarks),
 * and a judgement on the highest run turned on whether one of three runs did.
 */
const mb = (s: Summary) => `${s.median.toFixed(0)} MB (runs ${s.min.toFixed(0)}–${s.max.toFixed(0)} MB)`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const times = (ratio: number) => `${ratio.toFixed(1)}×`;
const loopback = (rows: number, changeRatio = DAILY_CHANGE) => ({ implementation: "loader", database: "postgres", network: "loopback", rows, changeRatio }) as const;

function unmeasured(target: string): TargetCheck {
  return { target, measured: "not measured in this run", met: null };
}

/** A load scenario the speed-up targets judge: a change ratio on yesterday's table, or the first load into an empty one. */
type SpeedScenario = { start: LoadEntry["start"]; changeRatio: number };

const describeScenario = ({ start, changeRatio }: SpeedScenario) => (start === "empty" ? "first load into an empty table" : `${changeRatio * 100}% changed`);

/** Every scenario the run timed on Postgres, change ratios in order and then the first load. */
function speedScenarios(load: readonly LoadEntry[]): SpeedScenario[] {
  const loader = measuredLoads(load).filter((e) => e.implementation === "loader" && e.database === "postgres");
  const ratios = [...new Set(loader.filter((e) => e.start === "loaded").map((e) => e.changeRatio))].sort((a, b) => a - b);
  const scenarios: SpeedScenario[] = ratios.map((changeRatio) => ({ start: "loaded", changeRatio }));
  if (loader.some((e) => e.start === "empty")) scenarios.push({ start: "empty", changeRatio: 1 });
  return scenarios;
}

/**
 * Speed-up per size for one scenario, judged from JUDGED_FROM_ROWS up (smaller sizes are listed,
 * marked as not judged). Where the seed method takes less than `minimum` times a process that
 * only connects (the floor), no Node loader could meet the target; the figure says so beside the ratio.
 */
function speedUps(load: readonly LoadEntry[], scenario: SpeedScenario, network: keyof ProcessFloor, floor: ProcessFloor, minimum: number, target: string): TargetCheck {
  const ratios = measuredLoads(load)
    .filter((e) => e.implementation === "loader" && e.database === "postgres" && e.network === network && e.start === scenario.start && e.changeRatio === scenario.changeRatio)
    .flatMap((e) => {
      const ratio = speedUp(load, e);
      const baseline = baselineFor(load, e);
      const ceiling = baseline?.status === "measured" ? baseline.wallMs.median / floor[network].median : undefined;
      return ratio === undefined ? [] : [{ rows: e.rows, ratio, ceiling, judged: e.rows >= JUDGED_FROM_ROWS }];
    });
  if (ratios.length === 0) return unmeasured(target);
  const describe = (r: (typeof ratios)[number]) => {
    const unreachable = r.ceiling !== undefined && r.ceiling < minimum ? ` (out of reach: the seed takes only ${times(r.ceiling)} a connect-only process)` : "";
    return `${r.rows.toLocaleString("en-US")} rows: ${times(r.ratio)}${unreachable}${r.judged ? "" : " (not judged)"}`;
  };
  const judged = ratios.filter((r) => r.judged);
  return { target, measured: ratios.map(describe).join(", "), met: judged.length === 0 ? null : judged.every((r) => r.ratio >= minimum) };
}

/** The targets, checked against this run's medians (reported, never asserted). */
export function checkTargets(
  load: readonly LoadEntry[],
  floor: ProcessFloor,
  scrape: readonly ScrapeEntry[],
  endToEnd: readonly EndToEndEntry[],
  embedded: EmbeddedResults = { load: [], start: [] },
): TargetCheck[] {
  const checks: TargetCheck[] = [];

  const hundredK = findLoad(load, loopback(100_000));
  checks.push(
    hundredK === undefined
      ? unmeasured("100k rows, 1% changed, Postgres: < 2 s")
      : { target: "100k rows, 1% changed, Postgres: < 2 s", measured: seconds(hundredK.wallMs.median), met: hundredK.wallMs.median < 2000 },
    hundredK === undefined
      ? unmeasured("100k rows, 1% changed, Postgres: < 150 MB peak RSS (median run)")
      : { target: "100k rows, 1% changed, Postgres: < 150 MB peak RSS (median run)", measured: mb(hundredK.peakRssMb), met: hundredK.peakRssMb.median < 150 },
  );

  // Ratios against the seed's method in the same run (medians of runs taking turns), from 100k rows up.
  for (const scenario of speedScenarios(load)) {
    const what = describeScenario(scenario);
    checks.push(speedUps(load, scenario, "loopback", floor, 1.5, `≥ 1.5× the seed method on loopback, ${what}`));
    checks.push(speedUps(load, scenario, "proxy-20ms", floor, 10, `≥ 10× the seed method at 20 ms round trips, ${what}`));
  }
  const daily = hundredK === undefined ? undefined : speedUp(load, hundredK);
  checks.push(
    daily === undefined
      ? unmeasured("stretch: ≥ 2× the seed method on loopback, 100k rows, 1% changed")
      : { target: "stretch: ≥ 2× the seed method on loopback, 100k rows, 1% changed", measured: times(daily), met: daily >= 2 },
  );
  checks.push(...pgliteTargets(embedded));

  const noChange = measuredLoads(load).filter((e) => e.implementation === "loader" && e.start === "loaded" && e.changeRatio === 0);
  checks.push(
    noChange.length === 0
      ? unmeasured("an unchanged snapshot writes 0 customer rows")
      : {
          target: "an unchanged snapshot writes 0 customer rows",
          measured: `${noChange.length} runs: at most ${Math.max(...noChange.map((e) => Math.max(e.customerRowsWritten, e.customerRowsWrittenObserved ?? 0)))} rows written`,
          met: noChange.every((e) => e.customerRowsWritten === 0 && (e.customerRowsWrittenObserved ?? 0) === 0),
        },
  );

  const million = findLoad(load, loopback(1_000_000));
  checks.push(
    million === undefined
      ? unmeasured("1M rows, 1% changed, Postgres: < 15 s")
      : { target: "1M rows, 1% changed, Postgres: < 15 s", measured: seconds(million.wallMs.median), met: million.wallMs.median < 15_000 },
    million === undefined || hundredK === undefined
      ? unmeasured(FLAT_MEMORY_TARGET)
      : {
          target: FLAT_MEMORY_TARGET,
          measured: `${mb(million.peakRssMb)} vs ${mb(hundredK.peakRssMb)} (${(million.peakRssMb.median / hundredK.peakRssMb.median).toFixed(2)}×)`,
          met: million.peakRssMb.median <= hundredK.peakRssMb.median * FLAT_MEMORY_FACTOR,
        },
  );

  const scrapeOneK = scrape.find((e) => e.customers === 1_000);
  checks.push(
    scrapeOneK?.status !== "measured"
      ? unmeasured("scrape 1k customers, request → csv-ready: < 3 s")
      : { target: "scrape 1k customers, request → csv-ready: < 3 s", measured: seconds(scrapeOneK.ms.median), met: scrapeOneK.ms.median < 3000 },
  );

  const e2e = endToEnd.find((e) => e.customers === 10_000);
  checks.push(
    e2e?.status !== "measured"
      ? { target: "end to end at 10k customers: < 5 s", measured: e2e?.status === "skipped" ? `skipped: ${e2e.reason}` : "not measured in this run", met: null }
      : { target: "end to end at 10k customers: < 5 s", measured: seconds(e2e.ms.median), met: e2e.ms.median < 5000 },
  );
  return checks;
}

const PGLITE_PEAK_RSS_MB = 300;
const PGLITE_ONE_K_MS = 300;
const START_RSS_MB = 250;

/**
 * The embedded mode's targets, on its own processes as a user runs them (`crm-sync load` on
 * PGlite, `crm-sync start`): memory judged on the median run, 1k rows as a whole process.
 */
function pgliteTargets(embedded: EmbeddedResults): TargetCheck[] {
  const cliLoad = (rows: number) => embedded.load.find((e) => e.status === "measured" && e.rows === rows && e.changeRatio === DAILY_CHANGE);
  const hundredK = cliLoad(100_000);
  const oneK = cliLoad(1_000);
  // Judged on the start a user makes every day: on an existing home. The first start ever also
  // makes the database; its figure is given beside.
  const start = embedded.start.find((e) => e.status === "measured" && e.home === "existing");
  const firstEver = embedded.start.find((e) => e.status === "measured" && e.home === "new");
  const rssTarget = `crm-sync load on PGlite, 100k rows, 1% changed: < ${PGLITE_PEAK_RSS_MB} MB peak RSS (median run)`;
  const timeTarget = `crm-sync load on PGlite, 1k rows, 1% changed, whole process: < ${seconds(PGLITE_ONE_K_MS)}`;
  const startTarget = `crm-sync start on an existing home, RSS after its first sync: < ${START_RSS_MB} MB (median run)`;
  const onNewHome = firstEver?.status === "measured" ? `; on a new home ${mb(firstEver.rssAfterFirstSyncMb)}` : "";
  return [
    hundredK?.status !== "measured"
      ? unmeasured(rssTarget)
      : { target: rssTarget, measured: mb(hundredK.peakRssMb), met: hundredK.peakRssMb.median < PGLITE_PEAK_RSS_MB },
    oneK?.status !== "measured" ? unmeasured(timeTarget) : { target: timeTarget, measured: seconds(oneK.wallMs.median), met: oneK.wallMs.median < PGLITE_ONE_K_MS },
    start?.status !== "measured"
      ? unmeasured(startTarget)
      : {
          target: startTarget,
          measured: `${mb(start.rssAfterFirstSyncMb)} with ${start.customers.toLocaleString("en-US")} demo customers (peak ${start.peakRssMb.median.toFixed(0)} MB)${onNewHome}`,
          met: start.rssAfterFirstSyncMb.median < START_RSS_MB,
        },
  ];
}
