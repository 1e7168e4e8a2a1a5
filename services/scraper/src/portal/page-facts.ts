import type { Page, Response } from "playwright";
import type { FailureFacts, PortalStep } from "../domain/classify-failure.ts";

/**
 * Remembers a 5xx the portal answered with. The SPA renders a friendly page for a failed
 * API call, so the status is the only reliable sign of a server error behind it.
 */
export function watchServerErrors(page: Page): () => number | undefined {
  let serverError: number | undefined;
  page.on("response", (response: Response) => {
    const kind = response.request().resourceType();
    if (kind !== "document" && kind !== "fetch" && kind !== "xhr") return;
    if (response.status() >= 500) serverError = response.status();
  });
  return () => serverError;
}

/** Reads what the page shows after a failure, with short bounds of its own: the page may be broken. */
export async function gatherFailureFacts(page: Page, step: PortalStep, error: unknown, httpStatus: number | undefined): Promise<FailureFacts> {
  const pageText = await page
    .locator("body")
    .innerText({ timeout: 1_000 })
    .catch(() => "");
  const busy = await page
    .locator('[aria-busy="true"]')
    .count()
    .catch(() => 0);
  const pageSettled = pageText.trim() !== "" && busy === 0 && !/\bLoading\b/i.test(pageText);
  return {
    step,
    errorName: error instanceof Error ? error.name : "Error",
    errorMessage: error instanceof Error ? error.message : String(error),
    httpStatus,
    pageSettled,
    pageText,
  };
}
