import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright";
import { CHROMIUM_FLAGS, DEBIAN_CHROMIUM_PATHS } from "@crm-sync/config";
import { SyncError } from "@crm-sync/errors";

/**
 * The configured browser first, then Debian's (headless shell, then chromium), then the ones
 * Playwright downloads (the scraper's container image ships those). `undefined` means
 * Playwright's own: launched without a path, Playwright picks its headless shell, where
 * `chromium.executablePath()` would name the slower full browser. A missing browser is a
 * deployment problem that no retry fixes, so it fails at once with a message that says what
 * to install.
 */
export function findChromium(configured: string | undefined, exists: (path: string) => boolean = existsSync): string | undefined {
  if (configured !== undefined) {
    if (exists(configured)) return configured;
    throw new SyncError("INTERNAL", `CHROMIUM_PATH points at ${configured}, which does not exist.`);
  }
  const debian = DEBIAN_CHROMIUM_PATHS.find((path) => exists(path));
  if (debian !== undefined) return debian;
  const bundled = chromium.executablePath();
  if (bundled !== "" && exists(bundled)) return undefined;
  throw new SyncError(
    "INTERNAL",
    `No Chromium found: set CHROMIUM_PATH, install Debian's chromium-headless-shell or chromium (${DEBIAN_CHROMIUM_PATHS.join(", ")}) or run \`npx playwright install chromium\`.`,
  );
}

export async function launchChromium(executablePath: string | undefined): Promise<Browser> {
  // Playwright's own signal handlers would close the browser and exit(130) under the service's
  // graceful shutdown; the service closes the browser itself when it stops.
  return await chromium.launch({
    ...(executablePath === undefined ? {} : { executablePath }),
    args: [...CHROMIUM_FLAGS],
    headless: true,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}
