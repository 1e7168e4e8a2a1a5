import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { makeEvent } from "@crm-sync/contracts";
import { chromiumMissing, gate, keepScreenshot, launchChromium, seriousAxeViolations, waitFor } from "@crm-sync/testing";
import { API_TOKEN, VIEWER_TOKEN, startTrigger, type RunningTrigger } from "./support/start-trigger.ts";

const counts = { rows: 30, inserted: 2, updated: 3, unchanged: 25, softDeleted: 1, revived: 0, rejected: 0 };
const object = { bucket: "crm-exports", name: "exports/dashboard-test.csv", generation: "1", sha256: "e".repeat(64), bytes: 4096 };

/** The page in English (it starts in Thai); set before any script of the page runs. */
async function englishPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  await page.addInitScript(() => localStorage.setItem("crm-sync-language", "en"));
  return page;
}

async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).textContent())?.trim() ?? "";
}

async function waitForText(page: Page, selector: string, expected: string): Promise<void> {
  await page.waitForFunction(
    ([sel, text]) => document.querySelector(sel as string)?.textContent?.includes(text as string) === true,
    [selector, expected],
    { timeout: 15_000 },
  );
}

describe.skipIf(gate("Chromium", chromiumMissing()))("dashboard in real Chromium", () => {
  let t: RunningTrigger;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];
  /** Every URL the first tab requested: the sign-in link's token must be in none of them. */
  const sentUrls: string[] = [];

  beforeAll(async () => {
    t = await startTrigger();
    // Stands in for the scraper: hears which run the button started.
    await t.bus.subscribe("scrape-requested", "test-scraper.scrape-requested", async ({ event }) => {
      requested.push(event.runId);
      return "ack";
    });
    browser = await launchChromium();
    page = await englishPage(browser);
    page.on("request", (request) => sentUrls.push(request.url()));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const nextRunId = (before: number) => waitFor(() => requested[before], { what: "the button's scrape-requested" });

  it("signs in from a #token= link, removes the token from the address bar and never sends it in a URL", async () => {
    await page.goto(`${t.url}/#token=${API_TOKEN}`);
    await page.getByRole("button", { name: "Update Customer Data" }).waitFor();
    await waitForText(page, "#freshness", "never been synced");
    expect(new URL(page.url()).hash).toBe("");
    expect(new URL(page.url()).search).toBe("");
    expect(sentUrls.filter((url) => url.includes("/v1/")).length).toBeGreaterThan(0);
    expect(sentUrls.filter((url) => url.includes(API_TOKEN))).toEqual([]);
    // Signed in: no token field and no Sign in button, only Sign out and who is signed in.
    expect(await page.getByLabel("API token").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "Sign in" }).isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(true);
    await waitForText(page, "#signed-in-as", "test-approver (approver)");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await keepScreenshot(page, "dashboard", "home-signed-in-en");
  });

  it("goes queued → scraping → loading → done with counts, and says done only after sync-completed", async () => {
    await waitFor(async () => !(await page.getByRole("button", { name: "Update Customer Data" }).isDisabled()), { what: "the button to enable" });
    await waitForText(page, "#freshness", "never been synced");

    const before = requested.length;
    await page.getByRole("button", { name: "Update Customer Data" }).click();
    const runId = await nextRunId(before);
    await waitForText(page, "#phase", "Queued");
    expect(await page.getByRole("button", { name: "Update Customer Data" }).isDisabled()).toBe(true);

    await t.bus.publish(makeEvent("sync-progress", runId, { stage: "scraping", message: "Exporting customers from the portal" }));
    await waitForText(page, "#phase", "Exporting from Qashier");
    await waitForText(page, "#message", "Exporting customers from the portal");
    // The current run is named by what requested it and when, not by its id.
    await waitForText(page, "#run-name", "Dashboard button (test-approver)");
    expect(await textOf(page, "#run-name")).not.toContain(runId);

    await t.bus.publish(makeEvent("csv-ready", runId, { object, rows: 30 }));
    await t.bus.publish(makeEvent("sync-progress", runId, { stage: "committing", message: "Saving 6 changes" }));
    await waitForText(page, "#phase", "Loading");
    await waitForText(page, "#message", "Saving 6 changes");
    expect(await textOf(page, "#phase")).not.toContain("Done");
    expect(await page.locator("#counts").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "Update Customer Data" }).isDisabled()).toBe(true);

    await t.bus.publish(makeEvent("sync-completed", runId, { counts, durationMs: 42_000 }));
    await waitForText(page, "#phase", "Done");
    expect(await textOf(page, '#counts dd[data-fact="inserted"]')).toBe("2");
    expect(await textOf(page, '#counts dd[data-fact="updated"]')).toBe("3");
    expect(await textOf(page, '#counts dd[data-fact="softDeleted"]')).toBe("1");
    await waitForText(page, "#duration", "Took 42 s");
    await keepScreenshot(page, "dashboard", "run-done-en");
    await waitFor(async () => !(await page.getByRole("button", { name: "Update Customer Data" }).isDisabled()), { what: "the button to enable again" });
    await waitForText(page, "#freshness", "last updated just now");
    await waitForText(page, "#runs", "2 new, 3 updated, 1 removed");
  });

  it("shows a readable failure reason and that the customer table was left untouched", async () => {
    const before = requested.length;
    await page.getByRole("button", { name: "Update Customer Data" }).click();
    const runId = await nextRunId(before);
    await waitForText(page, "#phase", "Queued");
    await t.bus.publish(makeEvent("sync-progress", runId, { stage: "scraping", message: "Logging in to the portal" }));
    await waitForText(page, "#phase", "Exporting from Qashier");
    await t.bus.publish(
      makeEvent("sync-failed", runId, {
        stage: "scraping",
        code: "PORTAL_AUTH_FAILED",
        retryable: false,
        message: "The Qashier portal refused the login. Check the portal username and password.",
        destinationUntouched: true,
        artifacts: [],
        attempt: 1,
      }),
    );
    await waitForText(page, "#phase", "Failed");
    // Plain words with the code beside them, and what the office can do.
    expect(await textOf(page, "#failure-reason")).toBe("Could not sign in to Qashier (the password may have changed or the account is locked). (PORTAL_AUTH_FAILED)");
    expect(await textOf(page, "#failure-untouched")).toBe("The customer table was not touched (it still holds the previous data).");
    expect(await textOf(page, "#failure-advice")).toContain("Try signing in to Qashier yourself");
    expect(await page.locator("#counts").isVisible()).toBe(false);
    await waitFor(async () => !(await page.getByRole("button", { name: "Update Customer Data" }).isDisabled()), { what: "the button to enable" });
  });

  it("shows the run an older alert email links to (?run=<id>) on its run page, not the latest", async () => {
    const doneRunId = requested.at(-2);
    const linked = await englishPage(browser);
    try {
      await linked.goto(`${t.url}/?run=${doneRunId}#token=${API_TOKEN}`);
      await waitForText(linked, '#summary dd[data-fact="status"]', "Succeeded");
      expect(new URL(linked.url()).hash).toBe("");
      expect(await textOf(linked, '#counts dd[data-fact="inserted"]')).toBe("2");
    } finally {
      await linked.close();
    }
  });

  it("does not sign in from an old ?token= link, and takes the token out of the address bar", async () => {
    const old = await englishPage(browser);
    try {
      await old.goto(`${t.url}/?token=${API_TOKEN}`);
      await old.getByLabel("API token").waitFor();
      expect(await old.getByRole("button", { name: "Update Customer Data" }).isVisible()).toBe(false);
      expect(await old.evaluate(() => sessionStorage.length)).toBe(0);
      expect(old.url()).not.toContain(API_TOKEN);
    } finally {
      await old.close();
    }
  });

  it("shows a viewer the status with the Update button disabled, and says why", async () => {
    const viewer = await englishPage(browser);
    try {
      await viewer.goto(`${t.url}/#token=${VIEWER_TOKEN}`);
      await waitForText(viewer, "#runs", "PORTAL_AUTH_FAILED");
      expect(await viewer.getByRole("button", { name: "Update Customer Data" }).isDisabled()).toBe(true);
      expect(await textOf(viewer, "#update-why")).toBe("Starting an update needs the operator role; you are signed in as a viewer.");
      expect(await seriousAxeViolations(viewer)).toEqual([]);
      await keepScreenshot(viewer, "dashboard", "home-viewer-en");
    } finally {
      await viewer.close();
    }
  });

  it("asks for a token when none is stored, and refuses a wrong one", async () => {
    const fresh = await englishPage(browser);
    try {
      await fresh.goto(t.url);
      await fresh.getByLabel("API token").fill("not-the-token");
      await fresh.getByRole("button", { name: "Sign in" }).click();
      await waitForText(fresh, "#login-error", "not accepted");
      expect(await fresh.getByRole("button", { name: "Update Customer Data" }).isVisible()).toBe(false);
      await fresh.getByLabel("API token").fill(API_TOKEN);
      await fresh.getByRole("button", { name: "Sign in" }).click();
      await fresh.getByRole("button", { name: "Update Customer Data" }).waitFor();
      await waitForText(fresh, "#runs", "PORTAL_AUTH_FAILED");
    } finally {
      await fresh.close();
    }
  });
});
