import { DAILY_CHANGE } from "./bench-plan.ts";
import { baselineFor, findLoad, measuredLoads, speedUp } from "./load-lookup.ts";
import type { EndToEndEntry, LoadEntry, ProcessFloor, ScrapeEntry, TargetCheck } from "./results.ts";

/** "Flat memory": a million rows may cost at most this much more peak RSS than 100k rows. */
const FLAT_MEMORY_FACTOR = 1.25;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const times = (ratio: number) => `${ratio.toFixed(1)}×`;
const loopback = (rows: number, changeRatio = DAILY_CHANGE) => ({ implementation: "loader", database: "postgres", network: "loopback", rows, changeRatio }) as const;

function unmeasured(target: string): TargetCheck {
  return { target, measured: "not measured in this run", met: null };
}

/**
 * Speed-up per size. Where the seed method takes less than `minimum` times a process that only
 * connects (the floor), no Node loader could meet the target; the figure says so beside the ratio.
 */
function speedUps(load: readonly LoadEntry[], network: keyof ProcessFloor, floor: ProcessFloor, minimum: number, target: string): TargetCheck {
  const ratios = measuredLoads(load)
    .filter((e) => e.implementation === "loader" && e.database === "postgres" && e.network === network && e.changeRatio === DAILY_CHANGE)
    .flatMap((e) => {
      const ratio = speedUp(load, e);
      const baseline = baselineFor(load, e);
      const ceiling = baseline?.status === "measured" ? baseline.wallMs.median / floor[network].median : undefined;
      return ratio === undefined ? [] : [{ rows: e.rows, ratio, ceiling }];
    });
  if (ratios.length === 0) return unmeasured(target);
  const describe = (r: (typeof ratios)[number]) => {
    const unreachable = r.ceiling !== undefined && r.ceiling < minimum ? ` (out of reach: the seed takes only ${times(r.ceiling)} a connect-only process)` : "";
    return `${r.rows.toLocaleString("en-US")} rows: ${times(r.ratio)}${unreachable}`;
  };
  return { target, measured: ratios.map(describe).join(", "), met: ratios.every((r) => r.ratio >= minimum) };
}

/** The targets, checked against this run's medians (reported, never asserted). */
export function checkTargets(load: readonly LoadEntry[], floor: ProcessFloor, scrape: readonly ScrapeEntry[], endToEnd: readonly EndToEndEntry[]): TargetCheck[] {
  const checks: TargetCheck[] = [];

  const hundredK = findLoad(load, loopback(100_000));
  checks.push(
    hundredK === undefined
      ? unmeasured("100k rows, 1% changed, Postgres: < 2 s")
      : { target: "100k rows, 1% changed, Postgres: < 2 s", measured: seconds(hundredK.wallMs.median), met: hundredK.wallMs.median < 2000 },
    hundredK === undefined
      ? unmeasured("100k rows, 1% changed, Postgres: < 150 MB peak RSS")
      : { target: "100k rows, 1% changed, Postgres: < 150 MB peak RSS", measured: `${hundredK.peakRssMb.max.toFixed(0)} MB (highest run; median run ${hundredK.peakRssMb.median.toFixed(0)} MB)`, met: hundredK.peakRssMb.max < 150 },
  );

  checks.push(speedUps(load, "proxy-20ms", floor, 10, "≥ 10× the seed method at 20 ms round trips (1% changed)"));
  checks.push(speedUps(load, "loopback", floor, 1.5, "≥ 1.5× the seed method on loopback (1% changed)"));

  const noChange = measuredLoads(load).filter((e) => e.implementation === "loader" && e.changeRatio === 0);
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
      ? unmeasured(`flat memory: 1M rows within ${FLAT_MEMORY_FACTOR}× the peak RSS of 100k rows`)
      : {
          target: `flat memory: 1M rows within ${FLAT_MEMORY_FACTOR}× the peak RSS of 100k rows`,
          measured: `${million.peakRssMb.max.toFixed(0)} MB vs ${hundredK.peakRssMb.max.toFixed(0)} MB (${times(million.peakRssMb.max / hundredK.peakRssMb.max)})`,
          met: million.peakRssMb.max <= hundredK.peakRssMb.max * FLAT_MEMORY_FACTOR,
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
