import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, relative, resolve } from "node:path";
import type { Reporter, TestCase, TestModule, TestRunEndReason, Vitest } from "vitest/node";
import { renderReliabilityReport, type ReportCase, type ReportSection } from "./reliability-report-format.ts";
import { RELIABILITY_REPORT, RELIABILITY_SUITES, type ReliabilitySuite } from "./reliability-suites.ts";
import { reportedCommit } from "./report-commit.ts";
import { countedOutcome } from "./test-outcome.ts";

export interface ReliabilityReporterOptions {
  /** The suites to report (default: the reliability suites); a test of the reporter names its fixtures. */
  suites?: readonly ReliabilitySuite[];
  /** Where to write: absolute, or relative to the root (default docs/reliability.md). */
  report?: string;
}

/**
 * Writes docs/reliability.md at the end of a run that ran every reliability suite, whole: a
 * run of some files, or of some tests (-t), would replace the report with a partial one, so it
 * leaves the committed copy alone. It reports, never decides: a failure to write is one line
 * on stderr, and the test results stand as they are.
 */
export default class ReliabilityReporter implements Reporter {
  private root = process.cwd();
  private filtered = false;
  private readonly suites: readonly ReliabilitySuite[];
  private readonly report: string;

  constructor(options: ReliabilityReporterOptions = {}) {
    this.suites = options.suites ?? RELIABILITY_SUITES;
    this.report = options.report ?? RELIABILITY_REPORT;
  }

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root;
    this.filtered = vitest.config.testNamePattern !== undefined || (vitest.config.tagsFilter ?? []).length > 0;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, _unhandledErrors: unknown, reason: TestRunEndReason): void {
    let temporary: string | undefined;
    try {
      if (this.filtered || reason === "interrupted") return;
      const byFile = new Map(testModules.map((module) => [relative(this.root, module.moduleId), module]));
      const modules = this.suites.map((suite) => byFile.get(suite.file));
      if (modules.some((module) => module === undefined || module.state() === "queued" || module.state() === "pending")) return;
      const sections: ReportSection[] = this.suites.map((suite, i) => {
        const module = modules[i] as TestModule;
        // The file's errors and every suite's (a beforeAll or afterAll that threw).
        const fileErrors = [module, ...module.children.allSuites()].flatMap((part) => part.errors().map((error) => error.message));
        return { suite, cases: [...module.children.allTests()].map(reportCase), fileErrors };
      });
      const commit = reportedCommit(this.root);
      const markdown = renderReliabilityReport({ command: commandLine(), generatedAt: new Date(), node: process.version, commit, sections });
      const target = resolve(this.root, this.report);
      // Written beside the target and renamed over it, so a reader never sees half a report.
      temporary = `${target}.${process.pid}.tmp`;
      writeFileSync(temporary, markdown);
      renameSync(temporary, target);
      temporary = undefined;
      const cases = sections.reduce((sum, section) => sum + section.cases.length, 0);
      process.stdout.write(`\nreliability: wrote ${this.report} (${sections.length} suites, ${cases} cases, commit ${commit.head.slice(0, 12)}${commit.changed.length > 0 ? ` with ${commit.changed.length} uncommitted change(s)` : ""})\n`);
    } catch (error) {
      if (temporary !== undefined) rmSync(temporary, { force: true });
      process.stderr.write(`reliability: ${this.report} not written: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

function reportCase(test: TestCase): ReportCase {
  const { outcome, detail } = countedOutcome(test);
  const duration = test.result().state === "skipped" ? undefined : test.diagnostic()?.duration;
  return { name: test.fullName, measured: test.annotations().map((annotation) => annotation.message), outcome, detail, seconds: seconds(duration) };
}

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

/** `vitest run …` as it was typed, with the script path shortened to its name. */
function commandLine(): string {
  const [, script = "vitest", ...args] = process.argv;
  const name = basename(script).replace(/\.m?js$/, "");
  return [name, ...args].join(" ");
}
