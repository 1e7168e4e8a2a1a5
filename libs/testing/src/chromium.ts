import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { CHROMIUM_FLAGS, DEBIAN_CHROMIUM_PATHS } from "@crm-sync/config";

/** The browser the scraper would pick on this machine, so tests drive the same build. */
export const CHROMIUM_PATH = process.env["CHROMIUM_PATH"] ?? DEBIAN_CHROMIUM_PATHS.find((path) => existsSync(path)) ?? "/usr/bin/chromium";

export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM_PATH) ? undefined : `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium-headless-shell chromium)`;
}

export async function launchChromium(): Promise<Browser> {
  return await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_FLAGS], headless: true });
}
