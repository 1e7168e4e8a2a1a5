import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import type { Reporter, TestCase, TestModule, TestRunEndReason, Vitest } from "vitest/node";
import { renderReliabilityReport, type ReportCase, type ReportSection } from "./reliability-report-format.ts";
import { RELIABILITY_REPORT, RELIABILITY_SUITES } from "./reliability-suites.ts";

/**
 * Writes docs/reliability.md at the end of a run that ran every reliability suite, whole: a
 * run of some files, or of some tests (-t), would replace the report with a partial one, so it
 * leaves the committed copy alone. It reports, never decides: a failure to write is one line
 * on stderr, and the test results stand as they are.
 */
export default class ReliabilityReporter implements Reporter {
  private root = process.cwd();
  private filtered = false;

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root;
    this.filtered = vitest.config.testNamePattern !== undefined || (vitest.config.tagsFilter ?? []).length > 0;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, _unhandledErrors: unknown, reason: TestRunEndReason): void {
    let temporary: string | undefined;
    try {
      if (this.filtered || reason === "interrupted") return;
      const byFile = new Map(testModules.map((module) => [relative(this.root, module.moduleId), module]));
      const modules = RELIABILITY_SUITES.map((suite) => byFile.get(suite.file));
      if (modules.some((module) => module === undefined || module.state() === "queued" || module.state() === "pending")) return;
      const sections: ReportSection[] = RELIABILITY_SUITES.map((suite, i) => {
        const module = modules[i] as TestModule;
        return { suite, cases: [...module.children.allTests()].map(reportCase), fileErrors: module.errors().map((error) => error.message) };
      });
      const markdown = renderReliabilityReport({ command: commandLine(), generatedAt: new Date(), node: process.version, sections });
      const target = join(this.root, RELIABILITY_REPORT);
      // Written beside the target and renamed over it, so a reader never sees half a report.
      temporary = `${target}.${process.pid}.tmp`;
      writeFileSync(temporary, markdown);
      renameSync(temporary, target);
      temporary = undefined;
      const cases = sections.reduce((sum, section) => sum + section.cases.length, 0);
      process.stdout.write(`\nreliability: wrote ${RELIABILITY_REPORT} (${sections.length} suites, ${cases} cases)\n`);
    } catch (error) {
      if (temporary !== undefined) rmSync(temporary, { force: true });
      process.stderr.write(`reliability: ${RELIABILITY_REPORT} not written: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

function reportCase(test: TestCase): ReportCase {
  const result = test.result();
  const duration = test.diagnostic()?.duration;
  const base = { name: test.fullName, measured: test.annotations().map((annotation) => annotation.message) };
  switch (result.state) {
    case "passed":
      return { ...base, outcome: "passed", detail: undefined, seconds: seconds(duration) };
    case "failed":
      return { ...base, outcome: "failed", detail: result.errors[0]?.message ?? "failed", seconds: seconds(duration) };
    case "skipped":
      return { ...base, outcome: "skipped", detail: result.note, seconds: undefined };
    case "pending":
      // Only a run cut short leaves a test pending; it did not pass.
      return { ...base, outcome: "failed", detail: "did not finish", seconds: undefined };
  }
}

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

/** `vitest run …` as it was typed, with the script path shortened to its name. */
function commandLine(): string {
  const [, script = "vitest", ...args] = process.argv;
  const name = basename(script).replace(/\.m?js$/, "");
  return [name, ...args].join(" ");
}
