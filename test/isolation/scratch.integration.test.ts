import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, sep } from "node:path";
import { describe, expect, it } from "vitest";

// What keeps two runs of the suite on one machine (two clones' CI, the benchmark beside the
// tests) out of each other's temp files: test/support/run-scratch.ts and suite-scratch.ts.
describe("each test file owns its temp folder", () => {
  it("puts this file's temp folder inside the run's own root, not in the machine's /tmp", () => {
    const root = process.env["CRM_SYNC_TEST_TMP"];
    expect(root, "the run's root is set by the global setup").toBeDefined();
    expect(existsSync(root!)).toBe(true);
    expect(dirname(tmpdir())).toBe(root);
    expect(tmpdir().startsWith(`${root}${sep}suite-`)).toBe(true);
  });

  it("hands the folder to child processes, so services and browsers the suite starts write there", () => {
    const childTmp = execFileSync(process.execPath, ["-e", "process.stdout.write(require('node:os').tmpdir())"], { encoding: "utf8" });
    expect(childTmp).toBe(tmpdir());
  });
});
