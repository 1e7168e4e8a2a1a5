import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./report-markdown.ts";
import type { BenchResults, LoadEntry, Summary } from "./results.ts";

const runs = (median: number, min: number, max: number): Summary => ({ median, min, max, runs: 3 });

function entry(implementation: LoadEntry["implementation"], peakRssMb: Summary): LoadEntry {
  return {
    status: "measured",
    implementation,
    database: "postgres",
    network: "loopback",
    rows: 100_000,
    changeRatio: 0.01,
    start: "loaded",
    wallMs: runs(1_950, 1_950, 2_090),
    rowsPerSecond: runs(51_258, 47_847, 51_282),
    peakRssMb,
    customerRowsWritten: implementation === "loader" ? 1_000 : 200_000,
    customerRowsWrittenObserved: implementation === "loader" ? 1_000 : null,
    counts: null,
    loadAverage: 1,
  };
}

function results(load: LoadEntry[]): BenchResults {
  return {
    version: 1,
    mode: "full",
    startedAt: "2026-11-28T01:00:00.000Z",
    durationSeconds: 1_700,
    machine: { cpuModel: "Test CPU", cores: 2, ramGb: 8, os: "Test OS", nodeVersion: "v24.0.0", postgresVersion: "15", pgliteVersion: "0.5" },
    proxyRttMs: null,
    processFloorMs: { loopback: runs(80, 80, 80), "proxy-20ms": runs(150, 150, 150) },
    load,
    scrape: [],
    endToEnd: [],
    targets: [],
    notes: [],
  };
}

describe("renderMarkdown", () => {
  it("gives a line's peak RSS as median (lowest–highest), so one high run shows as one", () => {
    const markdown = renderMarkdown(results([entry("loader", runs(106.2, 103.4, 147.1)), entry("baseline", runs(262, 261.8, 262.3))]));
    const line = markdown.split("\n").find((l) => l.startsWith("| Postgres | loopback | 100,000 | 1% |"));
    // Loader: median and range; the seed's three runs peaked alike, so one figure.
    expect(line).toBe(
      "| Postgres | loopback | 100,000 | 1% | 1.95 (1.95–2.09) ×3 | 51,258 | 106 (103–147) | 1,000 (table: 1,000) | 1.95 (1.95–2.09) ×3 | 262 | 200,000 | 1.0× |",
    );
  });
});
