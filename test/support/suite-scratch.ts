import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/**
 * Every test file gets a temp folder of its own and removes it when it ends. TMPDIR is what
 * os.tmpdir() reads on each call and what child processes (services, Chromium, Playwright's
 * artifacts) inherit, so whatever a suite or the processes it starts put in "the temp folder"
 * lands here, including what a process killed with -9 never cleaned up. Two runs of the suite
 * on one machine (two clones' CI, a benchmark beside the tests) then never meet in /tmp.
 *
 * The folder sits under the run's own root (test/support/run-scratch.ts) when there is one.
 */
const parent = process.env["CRM_SYNC_TEST_TMP"] ?? tmpdir();
const scratch = mkdtempSync(join(parent, "suite-"));
process.env["TMPDIR"] = scratch;

// Registered first, so with vitest's stacked hooks it runs after the suite's own afterAll
// (which may still be stopping processes that write there).
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
});
