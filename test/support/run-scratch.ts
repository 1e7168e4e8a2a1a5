import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * vitest globalSetup: one temp root for the whole run, under which each test file makes its
 * own folder (test/support/suite-scratch.ts). Removed at the end, so a suite that crashed
 * before its afterAll leaves nothing in /tmp either.
 */
export default function runScratch(): () => void {
  const root = mkdtempSync(join(tmpdir(), "crm-sync-test-run-"));
  process.env["CRM_SYNC_TEST_TMP"] = root;
  return () => rmSync(root, { recursive: true, force: true, maxRetries: 3 });
}
