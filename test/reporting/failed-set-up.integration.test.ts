import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReliabilityReport, parseReportFacts } from "../support/reliability-report-format.ts";
import type { ReliabilitySuite } from "../support/reliability-suites.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURES: ReliabilitySuite[] = [
  { file: "test/reporting/fixtures/failing-set-up.fixture.ts", title: "Set-up throws in a describe", proves: "fixture" },
  { file: "test/reporting/fixtures/failing-file-set-up.fixture.ts", title: "Set-up throws at the top level", proves: "fixture" },
];

/**
 * Runs a real, nested vitest on two fixture files whose beforeAll throws, with the project's
 * own summary and reliability reporters, and reads what they wrote: vitest itself marks those
 * tests skipped, and both reporters must call them failed.
 */
describe("a suite whose set-up throws is a failure in both reports", () => {
  let dir: string;
  let run: { code: number | null; stdout: string; report: string };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "crm-sync-reporters-"));
    const report = join(dir, "reliability.md");
    const config = {
      test: {
        root,
        include: FIXTURES.map((suite) => suite.file),
        reporters: [join(root, "test/support/summary-reporter.ts"), [join(root, "test/support/reliability-reporter.ts"), { suites: FIXTURES, report }]],
      },
    };
    const configFile = join(dir, "vitest.config.mjs");
    await writeFile(configFile, `export default ${JSON.stringify(config)};\n`);
    // A worker's VITEST_* variables would make the nested vitest think it is one of its own workers.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST")));
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [join(root, "node_modules/vitest/vitest.mjs"), "run", "--config", configFile, "--root", root], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
      child.stderr.resume();
      child.once("error", reject);
      child.once("close", (exit) => resolve({ code: exit, stdout }));
    });
    run = { code, stdout, report: await readFile(report, "utf8").catch(() => "") };
  }, 120_000);

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("vitest itself fails the run", () => {
    expect(run.code).toBe(1);
  });

  it("the summary line counts the tests that never ran as failed", () => {
    // 2 tests under the throwing describe + 1 under the throwing file: failed; 1 passed; 1 skipped on purpose.
    expect(run.stdout).toContain("vitest: 1 passed, 3 failed, 1 skipped");
  });

  it("the reliability report shows them failed, with the set-up's error, and counts them in its totals", () => {
    const sections = parseReliabilityReport(run.report);
    expect(sections.get("test/reporting/fixtures/failing-set-up.fixture.ts")).toEqual([
      { name: "a suite whose set-up throws > never runs its first test", outcome: "failed", detail: expect.stringContaining("set-up failed on purpose") },
      { name: "a suite whose set-up throws > never runs its second test", outcome: "failed", detail: expect.stringContaining("set-up failed on purpose") },
      { name: "a suite whose set-up works > passes", outcome: "passed", detail: undefined },
      { name: "a suite whose set-up works > is skipped on purpose", outcome: "skipped", detail: undefined },
    ]);
    expect(sections.get("test/reporting/fixtures/failing-file-set-up.fixture.ts")).toEqual([
      { name: "never runs", outcome: "failed", detail: expect.stringContaining("file set-up failed on purpose") },
    ]);
    const facts = parseReportFacts(run.report);
    expect(facts.totals).toEqual({ cases: 5, passed: 1, failed: 3, skipped: 1, fileErrors: 2 });
    expect(facts.fileErrorLines).toBe(2);
    expect(facts.commit).toMatch(/^[0-9a-f]{40}$/);
  });
});
