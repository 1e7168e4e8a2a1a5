import { readFile } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startFakePortal, type RunningFakePortal, type StartFakePortalOptions } from "../src/index.ts";

export const USERNAME = "frontdesk@example.com";
// Non-ASCII on purpose: the real account's password has Thai characters in it.
export const PASSWORD = "รหัสผ่าน-Secret 1";
export const SEED = 20261126;
export const COUNT = 1234;

export interface OpenPortal {
  portal: RunningFakePortal;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A fresh portal on port 0 and a fresh browser context on its login page. */
export async function openPortal(browser: Browser, options: Partial<StartFakePortalOptions> = {}): Promise<OpenPortal> {
  const portal = await startFakePortal({ username: USERNAME, password: PASSWORD, customers: { seed: SEED, count: COUNT }, ...options });
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${portal.url}/#/login?redirect=/customer-management`);
  return {
    portal,
    context,
    page,
    async close() {
      await context.close();
      await portal.stop();
    },
  };
}

/** Logs in the way the scraper does: inputs by label, the button by its exact name. */
export async function logIn(page: Page, password = PASSWORD): Promise<void> {
  await page.getByLabel("Username").fill(USERNAME);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Login", exact: true }).click();
}

/** Export → Confirm, then the download's name and bytes. */
export async function exportCsv(page: Page): Promise<{ name: string; bytes: Buffer }> {
  await page.getByRole("button", { name: "Export", exact: true }).click();
  const downloading = page.waitForEvent("download");
  await page.getByRole("dialog").getByRole("button", { name: "Confirm", exact: true }).click();
  const download = await downloading;
  return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
}
