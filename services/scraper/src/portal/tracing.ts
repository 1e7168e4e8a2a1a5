import type { BrowserContext, Page } from "playwright";

/** Screenshots and DOM snapshots: the trace viewer then shows what the page looked like at each step. */
export const TRACE_OPTIONS = { screenshots: true, snapshots: true } as const;

/**
 * Every later action snapshots the DOM, input values included, so password fields are
 * emptied before the tracer looks again (the login request has been answered by then).
 */
export async function resumeTracing(page: Page, context: BrowserContext): Promise<void> {
  await page
    .locator("input[type=password]")
    .evaluateAll((inputs) => inputs.forEach((input) => ((input as HTMLInputElement).value = "")))
    .catch(() => undefined);
  await context.tracing.start(TRACE_OPTIONS);
}
