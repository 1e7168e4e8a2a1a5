import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseReliabilityReport, renderReliabilityReport, type ParsedCase } from "../support/reliability-report-format.ts";
import { RELIABILITY_REPORT, RELIABILITY_SUITES } from "../support/reliability-suites.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const STALE = "docs/reliability.md is stale: run `npm test` and commit docs/reliability.md";

/** What `vitest list --json` writes: one entry per test, its full name inside the file. */
const ListedTests = z.array(z.object({ name: z.string(), file: z.string() }));

/**
 * The test names the reliability suites hold, collected by running their files' definitions
 * but not their tests. Static parsing (the default) cannot see through describe.skipIf, each
 * tables or gates, so the files are imported for real.
 */
async function listedCases(): Promise<Map<string, string[]>> {
  const dir = await mkdtemp(join(tmpdir(), "crm-sync-reliability-list-"));
  try {
    const output = join(dir, "tests.json");
    const args = [
      join(root, "node_modules/vitest/vitest.mjs"),
      "list",
      "--no-staticParse",
      "--project",
      "integration",
      `--json=${output}`,
      ...RELIABILITY_SUITES.map((suite) => suite.file),
    ];
    // A worker's VITEST_* variables would make the nested vitest think it is one of its own workers.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST")));
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
      child.once("error", reject);
      child.once("close", (code) => resolve({ code, stderr }));
    });
    if (code !== 0) throw new Error(`vitest list exited ${code}: ${stderr.slice(-2000)}`);
    const cases = new Map<string, string[]>(RELIABILITY_SUITES.map((suite) => [suite.file, []]));
    for (const test of ListedTests.parse(JSON.parse(await readFile(output, "utf8")))) {
      cases.get(relative(root, test.file))?.push(test.name);
    }
    return cases;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A skip is acceptable only where the suite gave its reason (npm audit on a mirror without an audit endpoint). */
const notGreen = (testCase: ParsedCase) => testCase.outcome === "failed" || (testCase.outcome === "skipped" && (testCase.detail ?? "").trim() === "");

describe("docs/reliability.md is the report of the current reliability suites", () => {
  // Test names carry pipes, backslashes and a NUL (the object-name cases): the table must give them back unchanged.
  it("reads back every case name and outcome the reporter writes", () => {
    const names = ["a | b", "two\nlines", "exports\\..\\bait.csv", "bait\u0000.csv", "<br> and \\u0041", "x_y *z* `c` [l] ~s~"];
    const cases = names.map((name, i) => ({
      name,
      outcome: i % 2 === 0 ? ("passed" as const) : ("skipped" as const),
      detail: i % 2 === 0 ? undefined : `reason | ${i}`,
      measured: ["a | b"],
      seconds: i % 2 === 0 ? i : undefined,
    }));
    const [suite] = RELIABILITY_SUITES;
    if (suite === undefined) throw new Error("no reliability suites listed");
    const markdown = renderReliabilityReport({ command: "vitest run", generatedAt: new Date(0), node: "v24", sections: [{ suite, cases, fileErrors: [] }] });
    expect(parseReliabilityReport(markdown).get(suite.file)).toEqual(cases.map(({ name, outcome, detail }) => ({ name, outcome, detail })));
  });

  it("lists exactly the cases the suites hold, each passed (or skipped with the suite's reason)", { timeout: 120_000 }, async () => {
    const committed = await readFile(join(root, RELIABILITY_REPORT), "utf8").catch(() => "");
    const reported = parseReliabilityReport(committed);
    const listed = await listedCases();

    const differences = RELIABILITY_SUITES.flatMap(({ file }) => {
      const inReport = (reported.get(file) ?? []).map((c) => c.name);
      const inSuite = listed.get(file) ?? [];
      return [
        ...inSuite.filter((name) => !inReport.includes(name)).map((name) => `missing from the report: ${file} > ${name}`),
        ...inReport.filter((name) => !inSuite.includes(name)).map((name) => `no longer in the suite: ${file} > ${name}`),
        ...(inReport.length === inSuite.length ? [] : [`${file}: the report has ${inReport.length} rows, the suite ${inSuite.length} cases`]),
      ];
    });
    const extraFiles = [...reported.keys()].filter((file) => !RELIABILITY_SUITES.some((suite) => suite.file === file)).map((file) => `not a reliability suite: ${file}`);
    expect([...differences, ...extraFiles], STALE).toEqual([]);
    // Guards against a listing that silently found nothing (and a report with no cases agreeing with it).
    expect(RELIABILITY_SUITES.filter(({ file }) => (listed.get(file) ?? []).length === 0).map(({ file }) => file), STALE).toEqual([]);

    const red = RELIABILITY_SUITES.flatMap(({ file }) => (reported.get(file) ?? []).filter(notGreen).map((c) => `${file} > ${c.name}: ${c.outcome}${c.detail === undefined ? "" : ` (${c.detail})`}`));
    expect(red, STALE).toEqual([]);
  });
});
