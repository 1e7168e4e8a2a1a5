import { buffer } from "node:stream/consumers";
import type { Browser, Request } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CSV_HEADER } from "@crm-sync/contracts";
import { chromiumMissing, gate, launchChromium } from "@crm-sync/testing";
import { customerCsvStream, type StartFakePortalOptions } from "../src/index.ts";
import { COUNT, exportCsv, logIn, openPortal, SEED, type OpenPortal } from "./portal-driver.ts";

const BOM = "\uFEFF";

describe.skipIf(gate("Chromium", chromiumMissing()))("fake Qashier portal failure variants", () => {
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

  async function openLoggedIn(options: Partial<StartFakePortalOptions>): Promise<OpenPortal> {
    opened = await openPortal(browser, options);
    await logIn(opened.page);
    await opened.page.waitForURL(/#\/customer-management$/);
    return opened;
  }

  const fullExport = async () => await buffer(customerCsvStream({ seed: SEED, count: COUNT }));

  it("wrong-credentials: rejects even the right password", async () => {
    opened = await openPortal(browser, { variant: "wrong-credentials" });
    await logIn(opened.page);

    await expect(opened.page.getByRole("alert").textContent()).resolves.toBe("Invalid username or password");
    expect(new URL(opened.page.url()).hash).toBe("#/login?redirect=/customer-management");
  });

  it("slow: shows Loading… until the summary arrives, then exports the full file", async () => {
    const { page } = await openLoggedIn({ variant: "slow", exportDelayMs: 1_500 });

    await page.getByText("Loading…").waitFor();
    await page.getByRole("button", { name: "Export", exact: true }).waitFor({ timeout: 10_000 });
    const { bytes } = await exportCsv(page);

    expect(bytes.equals(await fullExport())).toBe(true);
  });

  it("layout-changed: the Export button is gone, renamed Download customers", async () => {
    const { page } = await openLoggedIn({ variant: "layout-changed" });

    await page.getByRole("button", { name: "Download customers", exact: true }).waitFor();
    await expect(page.getByRole("button", { name: "Export", exact: true }).count()).resolves.toBe(0);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Customers");
  });

  it("no-download: Confirm closes the dialog and never requests the export", async () => {
    const { page } = await openLoggedIn({ variant: "no-download" });
    const exportRequests: Request[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/api/customers/export")) exportRequests.push(request);
    });

    await page.getByRole("button", { name: "Export", exact: true }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirm", exact: true }).click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    // A round trip through the page after the click: any export request would have started before it.
    await page.evaluate(async () => (await fetch("/api/session")).status);

    expect(exportRequests).toEqual([]);
  });

  it("truncated: the download stops mid-row with fewer rows than the total", async () => {
    const { page } = await openLoggedIn({ variant: "truncated" });
    await expect(page.getByText(/^Total: /).textContent()).resolves.toBe("Total: 1,234 customers");

    const { bytes } = await exportCsv(page);

    const full = await fullExport();
    expect(bytes.length).toBeLessThan(full.length);
    expect(full.subarray(0, bytes.length).equals(bytes)).toBe(true);
    expect(full[bytes.length]).not.toBe("\n".charCodeAt(0));
  });

  it("empty: total 0 and an export with only the header", async () => {
    const { page } = await openLoggedIn({ variant: "empty" });
    await expect(page.getByText(/^Total: /).textContent()).resolves.toBe("Total: 0 customers");

    const { bytes } = await exportCsv(page);

    expect(bytes.toString("utf8")).toBe(BOM + CSV_HEADER);
  });

  it("header-drift: the export calls the phone column Phone", async () => {
    const { page } = await openLoggedIn({ variant: "header-drift" });

    const { bytes } = await exportCsv(page);

    const text = bytes.toString("utf8");
    expect(text.slice(0, text.indexOf("\n"))).toBe(BOM + CSV_HEADER.replace('"Contact Number"', '"Phone"'));
  });

  it("server-error: the Blob-mode page shows the 500 as an alert", async () => {
    const { page } = await openLoggedIn({ variant: "server-error", downloadMode: "blob" });

    await page.getByRole("button", { name: "Export", exact: true }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Confirm", exact: true }).click();

    await expect(page.getByRole("alert").textContent()).resolves.toBe("Export failed (HTTP 500). Please try again later.");
  });

  it("server-error: the export endpoint answers 500 in attachment mode", async () => {
    const { page, portal } = await openLoggedIn({ variant: "server-error" });

    const response = await page.request.get(`${portal.url}/api/customers/export`);

    expect(response.status()).toBe(500);
  });

  it("changes variant, password and count at runtime over the admin route", async () => {
    const { page, portal } = await openLoggedIn({});
    const post = async (body: unknown) =>
      await fetch(`${portal.url}/__admin/config`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

    expect((await post({ variant: "maintenance" })).status).toBe(200);
    expect((await page.reload())?.status()).toBe(503);

    expect((await post({ variant: "ok", count: 5 })).status).toBe(200);
    await page.reload();
    await expect(page.getByText(/^Total: /).textContent()).resolves.toBe("Total: 5 customers");

    expect((await post({ password: "new-secret" })).status).toBe(200);
    expect(portal.state.config.password).toBe("new-secret");
    expect((await post({ variant: "exploded" })).status).toBe(400);
    expect((await post({ dropTables: true })).status).toBe(400);
    expect(portal.state.config.variant).toBe("ok");
  });
});
