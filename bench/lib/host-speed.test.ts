import { describe, expect, it } from "vitest";
import { hostSpeedNote, type HostSpeedFacts } from "./host-speed.ts";
import type { LoadEntry, Summary } from "./results.ts";

const summary = (median: number): Summary => ({ median, min: median, max: median, runs: 3 });

function seed(rows: number, ms: number): LoadEntry {
  return {
    status: "measured",
    implementation: "baseline",
    database: "postgres",
    network: "loopback",
    rows,
    changeRatio: 0.01,
    wallMs: summary(ms),
    rowsPerSecond: summary((rows / ms) * 1000),
    peakRssMb: summary(80),
    customerRowsWritten: rows * 2,
    customerRowsWrittenObserved: null,
    counts: null,
    loadAverage: 0.5,
  };
}

function run(startedAt: string, floorMs: number, load: LoadEntry[], baselineSha256: string | undefined = "seed-v1"): HostSpeedFacts {
  return { startedAt, processFloorMs: { loopback: summary(floorMs), "proxy-20ms": summary(floorMs + 60) }, baselineSha256, load };
}

describe("hostSpeedNote", () => {
  it("says nothing without a previous run", () => {
    expect(hostSpeedNote(undefined, run("2026-11-27T10:00:00.000Z", 200, []))).toBeUndefined();
  });

  it("compares the connect-only floor and the seed method at the largest size both runs timed", () => {
    const previous = run("2026-11-27T07:50:12.000Z", 60, [seed(1_000, 120), seed(100_000, 1_840)]);
    const current = run("2026-11-27T09:44:00.000Z", 200, [seed(1_000, 400), seed(100_000, 5_430), seed(1_000_000, 48_000)]);
    expect(hostSpeedNote(previous, current)).toBe(
      "Host speed: the connect-only process took 0.20 s against 0.06 s in the previous run (2026-11-27 07:50 UTC), and the seed's method at 100,000 rows 5.43 s against 1.84 s: this host ran about 3.3× slower.",
    );
  });

  it("leaves the seed's times out when its method changed, or the previous run did not record which it was", () => {
    const current = run("2026-11-27T09:44:00.000Z", 200, [seed(100_000, 5_430)], "seed-v2");
    for (const previous of [run("2026-11-27T07:50:12.000Z", 60, [seed(100_000, 1_840)], "seed-v1"), run("2026-11-27T07:50:12.000Z", 60, [seed(100_000, 1_840)], undefined)]) {
      expect(hostSpeedNote(previous, current)).toBe(
        "Host speed: the connect-only process took 0.20 s against 0.06 s in the previous run (2026-11-27 07:50 UTC), and the seed's method changed since then (or that run did not record it), so its times are not compared: this host ran about 3.3× slower.",
      );
    }
  });

  it("says when the hosts ran alike", () => {
    const note = hostSpeedNote(run("2026-11-26T12:00:00.000Z", 100, []), run("2026-11-27T12:00:00.000Z", 110, []));
    expect(note).toContain("0.11 s against 0.10 s");
    expect(note).toContain("the hosts ran at about the same speed");
  });
});
