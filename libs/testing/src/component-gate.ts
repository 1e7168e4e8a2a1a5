/**
 * Integration suites need real components. Locally a missing one skips the suite with a
 * printed reason; in CI (CI=true) a missing component fails the run instead of hiding tests.
 */
export function gate(component: string, missingReason: string | undefined): boolean {
  if (missingReason === undefined) return false;
  const message = `${component} unavailable: ${missingReason}`;
  if (process.env["CI"] === "true") throw new Error(`${message} (required in CI)`);
  process.stderr.write(`[skip] ${message}; its integration tests are skipped\n`);
  return true;
}
