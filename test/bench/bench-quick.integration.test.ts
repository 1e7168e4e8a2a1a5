import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumMissing, gate, postgresMissing } from "@crm-sync/testing";
import { gnuTimeMissing } from "../../bench/lib/measure.ts";
import { BenchResults } from "../../bench/lib/results.ts";

const RUN_BENCH = fileURLToPath(new URL("../../bench/run.ts", import.meta.url));
/**
 * --quick is meant to take under 2 minutes; this leaves room for a busy CI machine. Since it also
 * runs `crm-sync load` on PGlite and a `crm-sync start` on a new home, it took 284 s beside other
 * suites at a load average of 20 on 2 cores.
 */
const QUICK_TIMEOUT_MS = 480_000;

const skip = gate("Postgres", await postgresMissing()) || gate("Chromium", chromiumMissing()) || gate("GNU time", gnuTimeMissing());

async function runQuickBench(outDir: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [RUN_BENCH, "--quick", "--out", outDir], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, stderr };
}

// Smoke check only: the bench runs end to end and writes sane output. Timings are never asserted.
describe.skipIf(skip)("npm run bench -- --quick", () => {
  let outDir: string;
  let results: BenchResults;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), "crm-sync-bench-quick-"));
    const run = await runQuickBench(outDir);
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    results = BenchResults.parse(JSON.parse(await readFile(join(outDir, "results.json"), "utf8")));
  }, QUICK_TIMEOUT_MS);

  afterAll(async () => {
    if (outDir !== undefined) await rm(outDir, { recursive: true, force: true });
  });

  it("measures the loader and the seed baseline with positive, finite figures", () => {
    expect(results.mode).toBe("quick");
    const measured = results.load.filter((e) => e.status === "measured");
    expect(measured.some((e) => e.implementation === "loader" && e.database === "postgres")).toBe(true);
    expect(measured.some((e) => e.implementation === "baseline")).toBe(true);
    for (const entry of measured) {
      for (const value of [entry.wallMs.median, entry.wallMs.min, entry.wallMs.max, entry.rowsPerSecond.median, entry.peakRssMb.max]) {
        expect(Number.isFinite(value) && value > 0, `${entry.implementation} ${entry.database} ${entry.rows}`).toBe(true);
      }
    }
  });

  it("records that an unchanged snapshot wrote no customer rows", () => {
    const noChange = results.load.filter((e) => e.status === "measured" && e.implementation === "loader" && e.changeRatio === 0);
    expect(noChange.length).toBeGreaterThan(0);
    for (const entry of noChange) {
      if (entry.status !== "measured") continue;
      expect(entry.customerRowsWritten).toBe(0);
      expect(entry.customerRowsWrittenObserved ?? 0).toBe(0);
    }
    const everyRowChanged = results.load.find((e) => e.status === "measured" && e.implementation === "loader" && e.changeRatio === 1);
    expect(everyRowChanged?.status === "measured" && everyRowChanged.customerRowsWritten).toBeGreaterThan(0);
  });

  it("writes the markdown table and an SVG chart", async () => {
    const markdown = await readFile(join(outDir, "results.md"), "utf8");
    expect(markdown).toContain("| database | network | rows |");
    expect(markdown).toContain(results.machine.cpuModel);
    const svg = await readFile(join(outDir, "chart.svg"), "utf8");
    expect(svg.trimStart()).toMatch(/^<svg[\s>]/);
    expect(svg.trimEnd()).toMatch(/<\/svg>$/);
  });
});
