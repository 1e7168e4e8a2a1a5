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

function results(load: LoadEntry[], embedded: BenchResults["embedded"] = { load: [], start: [] }): BenchResults {
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
    embedded,
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

  it("lists crm-sync load and crm-sync start in a table of the embedded mode's own", () => {
    const markdown = renderMarkdown(
      results([], {
        load: [{ status: "measured", rows: 1_000, changeRatio: 0.01, wallMs: runs(640, 610, 700), peakRssMb: runs(178, 176, 190), counts: { rows: 1_000, inserted: 0, updated: 10, unchanged: 990, softDeleted: 0, revived: 0, rejected: 0 }, loadAverage: 1 }],
        start: [{ status: "measured", customers: 1_000, home: "new", firstSyncMs: runs(9_500, 9_000, 9_900), rssAfterFirstSyncMb: runs(201, 199, 230), peakRssMb: runs(420, 410, 430), loadAverage: 1 }],
      }),
    );
    expect(markdown).toContain("| crm-sync load --database-url pglite://… | 1,000 rows, 1% changed | 0.64 (0.61–0.70) ×3 | 178 (176–190) | — |");
    expect(markdown).toContain("| crm-sync start on a new home, until its first sync succeeded | 1,000 demo customers | 9.50 (9.00–9.90) ×3 | 420 (410–430) | 201 (199–230) |");
  });
});
