import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import axe from "axe-core";
import type { Page } from "playwright-core";

/**
 * Where browser tests keep their screenshots: `test-artifacts/<suite>/` at the repository root
 * (ignored by git; CI uploads the folder), or under CRM_SYNC_TEST_ARTIFACTS when set. Not the
 * suite's temp folder, which is removed when the suite ends.
 */
export const TEST_ARTIFACTS_DIR = process.env["CRM_SYNC_TEST_ARTIFACTS"] ?? fileURLToPath(new URL("../../../test-artifacts/", import.meta.url));

/** Saves a full-page screenshot as `<suite>/<name>.png` and returns its path. */
export async function keepScreenshot(page: Page, suite: string, name: string): Promise<string> {
  const dir = join(TEST_ARTIFACTS_DIR, suite);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name.replace(/[^\w.-]+/g, "-")}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core in the page and returns its serious and critical violations. Evaluated over the
 * DevTools protocol, not added as a <script>: the page's CSP (script-src 'self') stays as it is.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, targets: v.nodes.map((n) => String(n.target)) }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}
