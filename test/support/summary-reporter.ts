import type { Reporter, TestModule } from "vitest/node";
import { countedOutcome, unattributedErrors } from "./test-outcome.ts";

/**
 * Prints one plain closing line, `vitest: N passed, N failed, N skipped`, that CI tooling
 * reads regardless of the test runner. A test whose suite failed to set up counts as failed
 * (see test-outcome.ts), and so does each file or suite error no test carries.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) counts[countedOutcome(test).outcome] += 1;
      counts.failed += unattributedErrors(module).length;
    }
    process.stdout.write(`\nvitest: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
