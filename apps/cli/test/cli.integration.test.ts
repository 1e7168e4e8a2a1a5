import { execFile, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../../", import.meta.url));

describe("crm-sync CLI", () => {
  it("answers --help through npx from the repo root", async () => {
    const { stdout } = await run("npx", ["crm-sync", "--help"], { cwd: root });
    expect(stdout).toContain("Usage: crm-sync");
    expect(stdout).toContain("Qashier");
  });

  const old = "/usr/bin/node";
  const systemMajor = Number(execFileSync(old, ["--version"]).toString().trim().replace(/^v/, "").split(".")[0]);
  it.skipIf(systemMajor >= 24)("refuses to start on a Node older than 24 with a clear message", async () => {
    const failure = await run(old, [fileURLToPath(new URL("../bin/crm-sync.js", import.meta.url)), "--help"]).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain("needs Node.js 24");
  });
});
