import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customerCsvStream, startFakePortal, type RunningFakePortal } from "@crm-sync/fake-qashier";
import { CHROMIUM_PATH, chromiumMissing, gate } from "@crm-sync/testing";
import { PASSWORD, USERNAME } from "./support/scraper-harness.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../../", import.meta.url));

describe.skipIf(gate("Chromium", chromiumMissing()))("crm-sync scrape", () => {
  let portal: RunningFakePortal;
  let dir: string;

  beforeAll(async () => {
    portal = await startFakePortal({ username: USERNAME, password: PASSWORD, customers: { seed: 3, count: 75 } });
    dir = await mkdtemp(join(tmpdir(), "crm-sync-scrape-cli-"));
  });
  afterAll(async () => {
    await portal?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  function scrape(out: string, password: string) {
    return run("npx", ["crm-sync", "scrape", "--portal-url", portal.url, "--out", out, "--json", "--element-timeout-ms", "5000"], {
      cwd: root,
      env: { ...process.env, QASHIER_USERNAME: USERNAME, QASHIER_PASSWORD: password, CHROMIUM_PATH },
    });
  }

  it("writes the portal's export from the repo root and prints rows, sha256, bytes and duration", async () => {
    const out = join(dir, "customers.csv");
    const { stdout } = await scrape(out, PASSWORD);
    const expected = await buffer(customerCsvStream({ seed: 3, count: 75 }));
    const written = await readFile(out);
    expect(Buffer.compare(written, expected)).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      rows: 75,
      sha256: createHash("sha256").update(expected).digest("hex"),
      bytes: expected.length,
      durationMs: expect.any(Number),
      portalTotal: 75,
    });
  });

  it("exits non-zero with the error code when the portal refuses the login", async () => {
    const failure = await scrape(join(dir, "refused.csv"), "not-the-password").then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toMatch(/^PORTAL_AUTH_FAILED: /m);
    expect(JSON.parse(failure?.stdout ?? "{}")).toMatchObject({ ok: false, code: "PORTAL_AUTH_FAILED", retryable: false });
    expect(`${failure?.stdout}${failure?.stderr}`).not.toContain(PASSWORD);
  });
});
