import { describe, expect, it } from "vitest";
import type { LoadEntry, Summary } from "./results.ts";
import { checkTargets } from "./targets.ts";

const runs = (median: number): Summary => ({ median, min: median, max: median, runs: 3 });
const FLOOR = { loopback: runs(170), "proxy-20ms": runs(180) };

function entry(implementation: LoadEntry["implementation"], rows: number, ms: number, scenario: { changeRatio: number; start: LoadEntry["start"] }): LoadEntry {
  return {
    status: "measured",
    implementation,
    database: "postgres",
    network: "loopback",
    rows,
    ...scenario,
    wallMs: runs(ms),
    rowsPerSecond: runs((rows / ms) * 1000),
    peakRssMb: runs(100),
    customerRowsWritten: rows,
    customerRowsWrittenObserved: null,
    counts: null,
    loadAverage: 1,
  };
}

const daily = { changeRatio: 0.01, start: "loaded" } as const;
const first = { changeRatio: 1, start: "empty" } as const;

describe("checkTargets: speed-ups against the seed's method", () => {
  const load = [
    entry("baseline", 10_000, 500, daily),
    entry("loader", 10_000, 1_000, daily),
    entry("baseline", 100_000, 3_000, daily),
    entry("loader", 100_000, 1_000, daily),
    entry("baseline", 100_000, 4_000, first),
    entry("loader", 100_000, 5_000, first),
  ];
  const checks = checkTargets(load, FLOOR, [], []);
  const find = (target: string) => checks.find((check) => check.target === target);

  it("judges each scenario from 100k rows up and lists smaller sizes as not judged", () => {
    expect(find("≥ 1.5× the seed method on loopback, 1% changed")).toEqual({
      target: "≥ 1.5× the seed method on loopback, 1% changed",
      measured: "10,000 rows: 0.5× (not judged), 100,000 rows: 3.0×",
      met: true,
    });
    expect(find("stretch: ≥ 2× the seed method on loopback, 100k rows, 1% changed")?.met).toBe(true);
  });

  it("compares a first load with the seed's own first load into an empty table", () => {
    expect(find("≥ 1.5× the seed method on loopback, first load into an empty table")).toMatchObject({ measured: "100,000 rows: 0.8×", met: false });
  });

  it("does not count a first load as an unchanged snapshot", () => {
    expect(find("an unchanged snapshot writes 0 customer rows")?.met).toBeNull();
  });
});

describe("checkTargets: the loader's memory", () => {
  const peaks = (median: number, max: number): Summary => ({ median, min: median, max, runs: 3 });
  const withPeak = (rows: number, peak: Summary): LoadEntry => {
    const measured = entry("loader", rows, 1_000, daily);
    if (measured.status !== "measured") throw new Error("entry() makes measured entries");
    return { ...measured, peakRssMb: peak };
  };
  const find = (load: LoadEntry[], prefix: string) => checkTargets(load, FLOOR, [], []).find((check) => check.target.startsWith(prefix));

  it("judges the 100k peak and flat memory on the median run, so one high run does not decide", () => {
    const load = [withPeak(100_000, peaks(100, 160)), withPeak(1_000_000, peaks(120, 170))];
    expect(find(load, "100k rows, 1% changed, Postgres: < 150 MB")).toMatchObject({ measured: "100 MB (runs 100–160 MB)", met: true });
    expect(find(load, "flat memory")).toMatchObject({ measured: "120 MB (runs 120–170 MB) vs 100 MB (runs 100–160 MB) (1.20×)", met: true });
  });

  it("fails flat memory when the median run at 1M grows past 1.25× the median at 100k", () => {
    const load = [withPeak(100_000, peaks(100, 100)), withPeak(1_000_000, peaks(127, 127))];
    expect(find(load, "flat memory")?.met).toBe(false);
  });
});

describe("checkTargets: the embedded mode's targets", () => {
  const counts = { rows: 1_000, inserted: 0, updated: 10, unchanged: 990, softDeleted: 0, revived: 0, rejected: 0 };
  const cliLoad = (rows: number, ms: number, peak: Summary) => ({ status: "measured", rows, changeRatio: 0.01, wallMs: runs(ms), peakRssMb: peak, counts, loadAverage: 1 }) as const;
  const start = (rss: Summary, home: "new" | "existing" = "existing") => ({ status: "measured", customers: 1_000, home, firstSyncMs: runs(9_000), rssAfterFirstSyncMb: rss, peakRssMb: runs(400), loadAverage: 1 }) as const;
  const find = (checks: ReturnType<typeof checkTargets>, prefix: string) => checks.find((check) => check.target.startsWith(prefix));

  it("judges peak RSS at 100k rows and the RSS after the first sync on the median run, not the highest", () => {
    const checks = checkTargets([], FLOOR, [], [], {
      load: [cliLoad(100_000, 4_000, { median: 280, min: 270, max: 420, runs: 3 })],
      start: [start({ median: 240, min: 230, max: 260, runs: 3 }), start(runs(270), "new")],
    });
    expect(find(checks, "crm-sync load on PGlite, 100k rows")).toMatchObject({ measured: "280 MB (runs 270–420 MB)", met: true });
    expect(find(checks, "crm-sync start on an existing home")).toMatchObject({
      measured: "240 MB (runs 230–260 MB) with 1,000 demo customers (peak 400 MB); on a new home 270 MB (runs 270–270 MB)",
      met: true,
    });
  });

  it("judges 1k rows as a whole process against 0.3 s", () => {
    const checks = checkTargets([], FLOOR, [], [], { load: [cliLoad(1_000, 640, runs(178))], start: [start(runs(300))] });
    expect(find(checks, "crm-sync load on PGlite, 1k rows")).toMatchObject({ measured: "0.64 s", met: false });
    expect(find(checks, "crm-sync start on an existing home")).toMatchObject({ met: false });
  });

  it("leaves a target unjudged where its process was not run or was skipped (a new home's start alone does not judge the daily one)", () => {
    const checks = checkTargets([], FLOOR, [], [], { load: [], start: [{ status: "skipped", customers: 1_000, home: "existing", reason: "no Chromium" }, start(runs(200), "new")] });
    for (const prefix of ["crm-sync load on PGlite, 100k rows", "crm-sync load on PGlite, 1k rows", "crm-sync start"]) expect(find(checks, prefix)?.met).toBeNull();
  });
});
