import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright";
import { CHROMIUM_FLAGS } from "@crm-sync/config";
import { SyncError } from "@crm-sync/errors";

const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/**
 * The configured browser first, then Debian's, then the one Playwright downloads (the
 * scraper's container image ships that one). A missing browser is a deployment problem that
 * no retry fixes, so it fails at once with a message that says what to install.
 */
export function findChromium(configured: string | undefined, exists: (path: string) => boolean = existsSync): string {
  if (configured !== undefined) {
    if (exists(configured)) return configured;
    throw new SyncError("INTERNAL", `CHROMIUM_PATH points at ${configured}, which does not exist.`);
  }
  if (exists(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  const bundled = chromium.executablePath();
  if (bundled !== "" && exists(bundled)) return bundled;
  throw new SyncError(
    "INTERNAL",
    `No Chromium found: set CHROMIUM_PATH, install Debian's chromium (${DEBIAN_CHROMIUM}) or run \`npx playwright install chromium\`.`,
  );
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  // Playwright's own signal handlers would close the browser and exit(130) under the service's
  // graceful shutdown; the service closes the browser itself when it stops.
  return await chromium.launch({ executablePath, args: [...CHROMIUM_FLAGS], headless: true, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
}
