import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright";
import type { Logger } from "@crm-sync/logging";
import type { LocalArtifact } from "./portal-export.ts";
import { scrubText, scrubTrace } from "./scrub-trace.ts";

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

/**
 * Evidence without credentials: traces lose cookie and authorization headers and every secret
 * value (the portal session cookie), the saved HTML every secret value. An artifact that cannot
 * be scrubbed is left out rather than stored with the session in it.
 */
export async function withoutCredentials(artifacts: LocalArtifact[], secrets: readonly string[], logger: Logger): Promise<LocalArtifact[]> {
  const kept: LocalArtifact[] = [];
  for (const artifact of artifacts) {
    try {
      if (artifact.kind === "trace") await scrubTrace(artifact.path, secrets);
      else if (artifact.kind === "html") await scrubText(artifact.path, secrets);
      kept.push(artifact);
    } catch (error) {
      logger.warn({ err: error, artifact: artifact.name }, "could not scrub failure evidence; left out");
    }
  }
  return kept;
}
