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
    start: "loaded",
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

  it("compares the connect-only floor and the seed method at every size both runs timed", () => {
    const previous = run("2026-11-27T07:50:12.000Z", 60, [seed(1_000, 120), seed(100_000, 1_840)]);
    const current = run("2026-11-27T09:44:00.000Z", 200, [seed(1_000, 400), seed(100_000, 5_430), seed(1_000_000, 48_000)]);
    expect(hostSpeedNote(previous, current)).toBe(
      "Host speed: the connect-only process took 0.20 s against 0.06 s in the previous run (2026-11-27 07:50 UTC), and the seed's method 0.40 s against 0.12 s at 1,000 rows (3.33× slower), 5.43 s against 1.84 s at 100,000 rows (2.95× slower): this host ran about 3.33× slower.",
    );
  });

  it("says when the host's speed changed during the run: the seed's method slowed at one size and not at another", () => {
    // The 17:24 run against 15:39: the same speed by the floor and at a million rows, 31% slower at 100k.
    const previous = run("2026-11-27T15:39:00.000Z", 160, [seed(100_000, 3_220), seed(1_000_000, 26_220)]);
    const current = run("2026-11-27T17:24:00.000Z", 190, [seed(100_000, 4_210), seed(1_000_000, 23_700)]);
    expect(hostSpeedNote(previous, current)).toBe(
      "Host speed: the connect-only process took 0.19 s against 0.16 s in the previous run (2026-11-27 15:39 UTC), and the seed's method 4.21 s against 3.22 s at 100,000 rows (1.31× slower), 23.70 s against 26.22 s at 1,000,000 rows (1.11× faster): the hosts ran at about the same speed, but not evenly: its speed changed during the run, and the loader's figures at each size moved with the seed's there.",
    );
  });

  it("leaves the seed's times out when its method changed, or the previous run did not record which it was", () => {
    const current = run("2026-11-27T09:44:00.000Z", 200, [seed(100_000, 5_430)], "seed-v2");
    // Compared with the floor alone, whatever the seed's times.
    for (const previous of [run("2026-11-27T07:50:12.000Z", 60, [seed(100_000, 1_840)], "seed-v1"), run("2026-11-27T07:50:12.000Z", 60, [seed(100_000, 1_840)], undefined)]) {
      expect(hostSpeedNote(previous, current)).toBe(
        "Host speed: the connect-only process took 0.20 s against 0.06 s in the previous run (2026-11-27 07:50 UTC), and the seed's method changed since then (or that run did not record it), so its times are not compared: this host ran about 3.33× slower.",
      );
    }
  });

  it("says when the hosts ran alike", () => {
    const note = hostSpeedNote(run("2026-11-26T12:00:00.000Z", 100, []), run("2026-11-27T12:00:00.000Z", 110, []));
    expect(note).toContain("0.11 s against 0.10 s");
    expect(note).toContain("the hosts ran at about the same speed");
  });
});
