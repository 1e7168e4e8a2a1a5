import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright";
import type { Logger } from "@crm-sync/logging";
import type { LocalArtifact } from "./portal-export.ts";

/**
 * Screenshot, HTML and the trace of a failed run, written into `dir`. Each capture is on its
 * own: a crashed page may still yield a trace, and a failed capture never hides the failure.
 * `earlierTraces` are trace chunks already saved (the part before the login form was filled).
 */
export async function captureFailureEvidence(
  page: Page,
  context: BrowserContext,
  dir: string,
  earlierTraces: LocalArtifact[],
  logger: Logger,
): Promise<LocalArtifact[]> {
  const artifacts: LocalArtifact[] = [];
  const attempt = async (what: string, capture: () => Promise<LocalArtifact>) => {
    try {
      artifacts.push(await capture());
    } catch (error) {
      logger.warn({ err: error, artifact: what }, "could not capture failure evidence");
    }
  };
  await attempt("screenshot", async () => {
    const path = join(dir, "screenshot.png");
    await page.screenshot({ path, fullPage: true, timeout: 5_000 });
    return { kind: "screenshot", name: "screenshot.png", path, contentType: "image/png" };
  });
  await attempt("html", async () => {
    const path = join(dir, "page.html");
    await writeFile(path, await page.content(), "utf8");
    return { kind: "html", name: "page.html", path, contentType: "text/html; charset=utf-8" };
  });
  await attempt("trace", async () => {
    const path = join(dir, "trace.zip");
    await context.tracing.stopChunk({ path });
    return { kind: "trace", name: "trace.zip", path, contentType: "application/zip" };
  });
  return [...earlierTraces, ...artifacts];
}
