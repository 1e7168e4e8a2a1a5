import { buffer } from "node:stream/consumers";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { chromiumMissing, gate, launchChromium } from "@crm-sync/testing";
import { customerCsvStream, type StartFakePortalOptions } from "../src/index.ts";
import { COUNT, exportCsv, logIn, openPortal, PASSWORD, SEED, type OpenPortal } from "./portal-driver.ts";

describe.skipIf(gate("Chromium", chromiumMissing()))("fake Qashier portal in a real browser", () => {
  let browser: Browser;
  let opened: OpenPortal | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });

  async function open(options: Partial<StartFakePortalOptions> = {}): Promise<OpenPortal> {
    opened = await openPortal(browser, options);
    return opened;
  }

  it("logs in with a non-ASCII password and downloads the exact export as an attachment", async () => {
    const { page } = await open();
    await logIn(page, PASSWORD);
    await page.waitForURL(/#\/customer-management$/);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Customer Management");
    await expect(page.getByText(/^Total: [\d,]+ customers$/).textContent()).resolves.toBe("Total: 1,234 customers");

    const { name, bytes } = await exportCsv(page);

    expect(name).toBe("Customer Management.csv");
    expect(bytes.equals(await buffer(customerCsvStream({ seed: SEED, count: COUNT })))).toBe(true);
  });

  it("downloads the same bytes when the page builds the file from a Blob URL", async () => {
    const { page } = await open({ downloadMode: "blob" });
    await logIn(page);

    const { name, bytes } = await exportCsv(page);

    expect(name).toBe("Customer Management.csv");
    expect(bytes.equals(await buffer(customerCsvStream({ seed: SEED, count: COUNT })))).toBe(true);
  });

  it("shows an alert and stays on the login page for a wrong password", async () => {
    const { page, portal } = await open();
    await logIn(page, "wrong password");

    await expect(page.getByRole("alert").textContent()).resolves.toBe("Invalid username or password");
    expect(new URL(page.url()).hash).toBe("#/login?redirect=/customer-management");
    expect(portal.state.logins).toBe(0);
  });

  it("rejects a password that differs only in Unicode normalization", async () => {
    // "é" precomposed vs e + combining accent: the same on screen, different bytes.
    const { page } = await open({ password: "caf\u00e9-รหัส" });
    await logIn(page, "cafe\u0301-รหัส");

    await expect(page.getByRole("alert").textContent()).resolves.toBe("Invalid username or password");
  });

  it("answers 503 with a maintenance page for pages and APIs", async () => {
    const { page, portal } = await open({ variant: "maintenance" });

    // A hash-only goto is not a new request; a reload is.
    const response = await page.reload();
    expect(response?.status()).toBe(503);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Scheduled maintenance");
    expect((await fetch(`${portal.url}/api/customers/export`)).status).toBe(503);
  });

  it("sends a browser with an expired session back to the login page", async () => {
    const { page, portal, context } = await open();
    await logIn(page);
    await page.waitForURL(/#\/customer-management$/);
    const storageState = await context.storageState();

    portal.state.setSessionTtl(0);
    const reused = await browser.newContext({ storageState });
    try {
      const again = await reused.newPage();
      await again.goto(`${portal.url}/#/customer-management`);
      await again.waitForURL(/#\/login\?redirect=\/customer-management$/);
      await again.getByLabel("Username").waitFor();
    } finally {
      await reused.close();
    }
  });

  it("keeps a reused session logged in while it is fresh", async () => {
    const { page, portal, context } = await open();
    await logIn(page);
    await page.waitForURL(/#\/customer-management$/);
    const storageState = await context.storageState();

    const reused = await browser.newContext({ storageState });
    try {
      const again = await reused.newPage();
      await again.goto(`${portal.url}/#/customer-management`);
      await again.getByRole("button", { name: "Export", exact: true }).waitFor();
      expect(new URL(again.url()).hash).toBe("#/customer-management");
      expect(portal.state.logins).toBe(1);
    } finally {
      await reused.close();
    }
  });
});
