import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { FileBlobStore } from "@crm-sync/blob";
import { InMemoryBus } from "@crm-sync/bus";
import { makeEvent } from "@crm-sync/contracts";
import { migrate, openDatabase, type Database } from "@crm-sync/db";
import { createLoader, DATABASE_SESSION_SETTINGS, type Loader } from "@crm-sync/loader";
import { createLogger } from "@crm-sync/logging";
import { listen, type RunningServer } from "@crm-sync/server";
import { createTrigger, type ApiToken, type Trigger } from "@crm-sync/trigger";
import {
  chromiumMissing,
  createTestDatabase,
  gate,
  keepScreenshot,
  launchChromium,
  postgresMissing,
  seriousAxeViolations,
  waitFor,
  type TestDatabase,
} from "@crm-sync/testing";
import { exportCsv, plainCustomers, type ExportRow } from "../support/export-csv.ts";

/**
 * Issue 28's "done when": staff review and approve a held run from the dashboard alone, find
 * rejected rows and a customer's history there, in both languages, in real Chromium against the
 * real loader on real Postgres. The test plays only the scraper (it stores exports and announces them).
 */
const APPROVER = "dash-test-approver-token-000000001";
const OPERATOR = "dash-test-operator-token-000000001";
const VIEWER = "dash-test-viewer-token-0000000000001";
const TOKENS: ApiToken[] = [
  { name: "office-approver", role: "approver", token: APPROVER },
  { name: "office-operator", role: "operator", token: OPERATOR },
  { name: "wall-screen", role: "viewer", token: VIEWER },
];
const SUITE = "staff-flows";

const missing = async () => (await postgresMissing()) ?? chromiumMissing();

async function waitForText(page: Page, selector: string, expected: string): Promise<void> {
  await page.waitForFunction(
    ([sel, text]) => document.querySelector(sel as string)?.textContent?.includes(text as string) === true,
    [selector, expected],
    { timeout: 30_000 },
  );
}
const textOf = async (page: Page, selector: string) => (await page.locator(selector).first().textContent())?.trim() ?? "";

describe.skipIf(gate("Postgres and Chromium", await missing()))("staff run it without an engineer (dashboard, loader, Postgres, Chromium)", () => {
  let database: TestDatabase;
  let db: Database;
  let dir: string;
  let blobs: FileBlobStore;
  let bus: InMemoryBus;
  let loader: Loader;
  let trigger: Trigger;
  let server: RunningServer;
  let browser: Browser;
  const runs: Record<string, string> = {};

  const api = async (path: string, token = APPROVER, method = "GET") => {
    const response = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(method === "POST" ? { body: "{}" } : {}) });
    return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, unknown> | null };
  };
  const activeCustomers = async () => Number((await db.sql<{ n: string }[]>`select count(*) as n from crm_sync.customers where deleted_at is null`)[0]?.n);
  const finished = (runId: string) =>
    waitFor(async () => {
      const { body } = await api(`/v1/syncs/${runId}`);
      return body !== null && (body["status"] === "succeeded" || body["status"] === "failed") && body;
    }, { timeoutMs: 90_000, what: `run ${runId} to finish` });

  /** Starts a run from the API as the office would, then plays the scraper: stores the export and announces it. */
  async function runWith(rows: ExportRow[]): Promise<string> {
    const { body } = await api("/v1/syncs", OPERATOR, "POST");
    const runId = (body?.["run"] as { runId: string }).runId;
    const info = await blobs.put(`exports/${runId}.csv`, exportCsv(rows), { contentType: "text/csv" });
    const object = { bucket: info.bucket, name: info.name, generation: info.generation, sha256: info.sha256, bytes: info.bytes };
    await bus.publish(makeEvent("csv-ready", runId, { object, rows: rows.length }));
    await finished(runId);
    return runId;
  }

  async function pageIn(language: "en" | "th", token: string, path: string): Promise<Page> {
    const page = await browser.newPage();
    await page.addInitScript((lang) => localStorage.setItem("crm-sync-language", lang), language);
    await page.goto(`${server.url}${path}#token=${token}`);
    return page;
  }

  async function checked(page: Page, name: string): Promise<void> {
    await keepScreenshot(page, SUITE, name);
    expect(await seriousAxeViolations(page), name).toEqual([]);
  }

  beforeAll(async () => {
    const logger = createLogger({ service: "dashboard-test", level: "silent" });
    database = await createTestDatabase("crm_sync_dash");
    db = await openDatabase(database.url, { connection: DATABASE_SESSION_SETTINGS });
    await migrate(db);
    dir = await mkdtemp(join(tmpdir(), "dashboard-flows-"));
    blobs = new FileBlobStore({ root: dir, bucket: "exports" });
    bus = new InMemoryBus({ logger, backoff: { minMs: 5, maxMs: 20 } });
    // A reject share of 5% lets one bad row of ~30 through; 10% of removals is the default hold.
    loader = createLoader({ db, bus, blobs, logger, limits: { maxRejectRatio: 0.05, maxDeleteRatio: 0.1 }, maxDeliveryAttempts: 1 });
    await loader.subscribe();
    trigger = createTrigger({ db, bus, logger, blobs, auth: { apiTokens: TOKENS }, ssePollMs: 200 });
    await trigger.subscribe();
    server = await listen(trigger.app, 0);
    browser = await launchChromium();

    runs["first"] = await runWith(plainCustomers(40));
    // Ten customers vanish (25% > 10%: held), one gets new points, one new row has an unreadable birthday.
    const held = plainCustomers(30);
    held[1] = { ...held[1]!, points: "7.00" };
    runs["held"] = await runWith([...held, { name: "Member 900 Example", phone: "0819990900", birth: "99/99/2022", joined: "01/01/2022" }]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close(500);
    await trigger?.close();
    await loader?.close();
    await bus?.close();
    await db?.close();
    await database?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("shows a viewer how many customers a held run would remove, no names and no Approve, in both languages", async () => {
    const words = {
      en: { count: "This export would remove 10 customers.", who: "Only an approver sees the names", approve: "Approve" },
      th: { count: "ไฟล์นี้จะลบลูกค้าออก 10 ราย", who: "เฉพาะผู้อนุมัติเท่านั้นที่เห็นรายชื่อ", approve: "อนุมัติ" },
    };
    for (const language of ["en", "th"] as const) {
      const page = await pageIn(language, VIEWER, `/runs/${runs["held"]}`);
      try {
        await waitForText(page, "#removal-count", words[language].count);
        expect(await textOf(page, "#held-who-decides")).toContain(words[language].who);
        expect(await page.locator("#removals").count()).toBe(0);
        expect(await page.getByRole("button", { name: words[language].approve }).count()).toBe(0);
        await checked(page, `held-run-viewer-${language}`);
      } finally {
        await page.close();
      }
    }
  });

  it("lists a held run's rejected rows in plain words and downloads them as a CSV the server made, in both languages", async () => {
    const page = await pageIn("en", APPROVER, `/runs/${runs["held"]}`);
    try {
      await waitForText(page, "#rejected-heading", "Rejected rows (1)");
      expect(await textOf(page, "#rejects tbody tr")).toContain("31");
      expect(await textOf(page, "#rejects tbody tr")).toContain("Date of Birth");
      expect(await textOf(page, "#rejects tbody tr")).toContain("Not a date that can be read. (NOT_A_DATE)");
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download CSV" }).click()]);
      const csv = await readFile(await download.path(), "utf8");
      expect(csv).toBe("\uFEFFrow,column,reason_code,reason\r\n31,Date of Birth,NOT_A_DATE,Not a date that can be read.\r\n");
      // In Thai: the reason in Thai words, and the CSV with Thai headers and reasons.
      await page.getByRole("button", { name: "ภาษาไทย" }).click();
      await waitForText(page, "#rejected-heading", "แถวที่ถูกปฏิเสธ (1)");
      expect(await textOf(page, "#rejects tbody tr")).toContain("ไม่ใช่วันที่ที่อ่านได้ (NOT_A_DATE)");
      await checked(page, "rejected-rows-th");
      const [thai] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "ดาวน์โหลด CSV" }).click()]);
      expect(await readFile(await thai.path(), "utf8")).toBe("\uFEFFแถว,คอลัมน์,รหัสเหตุผล,เหตุผล\r\n31,Date of Birth,NOT_A_DATE,ไม่ใช่วันที่ที่อ่านได้\r\n");
      await page.getByRole("button", { name: "English" }).click();
      await waitForText(page, "#rejected-heading", "Rejected rows (1)");
      // The email's link to the list keeps its anchor.
      await page.goto(`${server.url}/runs/${runs["held"]}#rejected`);
      await waitForText(page, "#rejected-heading", "Rejected rows (1)");
      expect(new URL(page.url()).hash).toBe("#rejected");
    } finally {
      await page.close();
    }
  });

  it("lets an approver review the held run's removals and approve it; the table changes only then, and the page follows to succeeded", async () => {
    const page = await pageIn("en", APPROVER, `/runs/${runs["held"]}`);
    try {
      await waitForText(page, "#removal-count", "This export would remove 10 customers.");
      expect(await page.locator("#removals tbody tr").count()).toBe(10);
      const removals = await textOf(page, "#removals tbody");
      expect(removals).toContain("Member 35 Example");
      // Masked: the last three digits only.
      expect(removals).toContain("•••••••035");
      expect(removals).not.toContain("0810000035");
      expect(await textOf(page, '#summary dd[data-fact="table-touched"]')).toBe("The customer table was not touched (it still holds the previous data).");
      await checked(page, "held-run-approver-en");
      expect(await activeCustomers()).toBe(40);
      // A second approver has the same page open.
      const other = await pageIn("en", APPROVER, `/runs/${runs["held"]}`);

      await page.getByRole("button", { name: "Approve" }).click();
      await waitForText(page, '#summary dd[data-fact="status"]', "Succeeded");
      expect(await activeCustomers()).toBe(30);
      expect(await textOf(page, '#summary dd[data-fact="approved-by"]')).toContain("office-approver");
      expect(await textOf(page, '#counts dd[data-fact="softDeleted"]')).toBe("10");
      // Every stage the run went through shows when it began, to the second.
      for (const stage of ["parsing", "diffing", "committing"]) {
        expect(await page.locator(`#stages li[data-stage="${stage}"] time`).textContent(), stage).toMatch(/ · \d{2}:\d{2}:\d{2}$/);
      }
      await checked(page, "held-run-approved-en");

      // The other approver's Discard, pressed too late, is refused in plain words and changes nothing.
      await other.getByRole("button", { name: "Discard" }).click();
      await waitForText(other, "#held-outcome", "This run is no longer held");
      expect((await api(`/v1/syncs/${runs["held"]}`)).body).toMatchObject({ status: "succeeded", discardedBy: null });
      await other.close();
    } finally {
      await page.close();
    }
  });

  it("lets an approver discard a held run in Thai: the table stays as it was and who discarded it is recorded", async () => {
    runs["discarded"] = await runWith(plainCustomers(25));
    expect((await api(`/v1/syncs/${runs["discarded"]}`)).body?.["error"]).toMatchObject({ code: "MASS_DELETE_HELD" });
    const page = await pageIn("th", APPROVER, `/runs/${runs["discarded"]}`);
    try {
      await waitForText(page, "#removal-count", "ไฟล์นี้จะลบลูกค้าออก 5 ราย");
      await checked(page, "held-run-approver-th");
      await page.getByRole("button", { name: "ยกเลิก" }).click();
      await waitForText(page, '#summary dd[data-fact="status"]', "ยกเลิกแล้ว");
      await waitForText(page, "#held-decision", "office-approver");
      expect(await activeCustomers()).toBe(30);
      const [row] = await db.sql<{ discarded_by: string; status: string }[]>`select discarded_by, status from crm_sync.runs where id = ${runs["discarded"]!}`;
      expect(row).toEqual({ discarded_by: "office-approver", status: "failed" });
      // Discarded is final: it can no longer be approved.
      expect((await api(`/v1/syncs/${runs["discarded"]}/approve`, APPROVER, "POST")).status).toBe(409);
      await checked(page, "held-run-discarded-th");
    } finally {
      await page.close();
    }
  });

  it("shows a failure in plain words with its code and the screenshot inline for operators, fetched with the token; a viewer gets the words and a note, not the screenshot", async () => {
    const { body } = await api("/v1/syncs", OPERATOR, "POST");
    const runId = (body?.["run"] as { runId: string }).runId;
    runs["failed"] = runId;
    const shotPage = await browser.newPage();
    const png = await shotPage.screenshot();
    await shotPage.close();
    const name = `artifacts/${runId}/1/portal.png`;
    await blobs.put(name, png, { contentType: "image/png" });
    await bus.publish(makeEvent("sync-failed", runId, {
      stage: "scraping", code: "PORTAL_LAYOUT_CHANGED", retryable: false, message: "The export button was not found.",
      destinationUntouched: true, artifacts: [{ kind: "screenshot", name, url: await blobs.url(name) }], attempt: 1,
    }));
    await finished(runId);
    for (const language of ["en", "th"] as const) {
      const viewerPage = await pageIn(language, VIEWER, `/runs/${runId}`);
      try {
        await waitForText(viewerPage, "#failure-reason", "PORTAL_LAYOUT_CHANGED");
        await waitForText(viewerPage, "#evidence-operators-only", language === "en" ? "only operators and approvers" : "ผู้ปฏิบัติงานและผู้อนุมัติ");
        expect(await viewerPage.locator("img.evidence").count()).toBe(0);
      } finally {
        await viewerPage.close();
      }
      const page = await pageIn(language, OPERATOR, `/runs/${runId}`);
      try {
        await waitForText(page, "#failure-reason", "PORTAL_LAYOUT_CHANGED");
        await page.waitForFunction(() => ((document.querySelector("img.evidence") as HTMLImageElement | null)?.naturalWidth ?? 0) > 0);
        expect(await page.locator("img.evidence").getAttribute("src")).toMatch(/^blob:/);
        expect(await textOf(page, "#failure-reason")).toContain(language === "en" ? "The customer page in Qashier has changed" : "หน้าลูกค้าใน Qashier เปลี่ยนไป");
        await checked(page, `failed-run-${language}`);
      } finally {
        await page.close();
      }
    }
    // Never a public URL: without the token the screenshot is refused.
    expect((await fetch(`${server.url}/v1/syncs/${runId}/screenshots/0`)).status).toBe(401);
  });

  it("finds a customer by phone however it is typed, and shows the current row and each change with its run", async () => {
    const page = await pageIn("en", OPERATOR, "/customers");
    const urls: string[] = [];
    page.on("request", (request) => urls.push(request.url()));
    try {
      await page.getByLabel("Name or phone number").fill("81-000-0001");
      await page.getByRole("button", { name: "Search" }).click();
      await waitForText(page, "#found", "1 found by phone number");
      expect(await textOf(page, "#customer-results tbody")).toContain("Member 1 Example");
      await page.getByRole("link", { name: "Member 1 Example" }).click();
      await waitForText(page, '#customer-row dd[data-fact="phone"]', "0810000001");
      const changes = page.locator("#changes tbody tr");
      expect(await changes.count()).toBe(2);
      // Newest first: the approved held run changed the points only.
      expect(await changes.nth(0).locator("li").count()).toBe(1);
      expect(await textOf(page, "#changes tbody tr:nth-child(1) li")).toMatch(/^Available points: 0(\.00)? → 7(\.00)?$/);
      expect(await changes.nth(0).locator("a").getAttribute("href")).toBe(`/runs/${runs["held"]}`);
      expect(await textOf(page, "#changes tbody tr:nth-child(2)")).toContain("Added");
      await checked(page, "customer-history-en");

      await page.getByLabel("Name or phone number").fill("0810000035");
      await page.getByRole("button", { name: "Search" }).click();
      await waitForText(page, "#customer-results tbody", "Removed");
      await page.getByRole("button", { name: "ภาษาไทย" }).click();
      await waitForText(page, "#found", "พบ 1 รายจากเบอร์โทร");
      await checked(page, "customer-search-th");
      // What was typed went to the API in a body and stayed in the fragment: in no URL any server saw.
      expect(urls.filter((url) => /81-?000-?00(01|35)/.test(url.split("#")[0] ?? ""))).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("keeps names and phone numbers from a viewer", async () => {
    const page = await pageIn("en", VIEWER, "/customers");
    try {
      await waitForText(page, "#customers-refused", "needs the operator role");
      expect((await api("/v1/customers/search", VIEWER, "POST")).status).toBe(403);
    } finally {
      await page.close();
    }
  });

  it("pages through the run history and draws the last 30 runs' customer count and duration", async () => {
    // Older runs than the ones above, as the ledger would have them, with counts in the thousands.
    for (let i = 0; i < 25; i += 1) {
      const counts = { rows: 12_345, inserted: 1_234, updated: 10, unchanged: 11_101, softDeleted: 0, revived: 0, rejected: 0 };
      await db.sql`
        insert into crm_sync.runs (id, trigger, status, stage, requested_at, started_at, stage_changed_at, finished_at, counts, duration_ms)
        values (${`run-history-${String(i).padStart(2, "0")}`}, 'schedule', 'succeeded', 'committing', now() - ${`${30 - i} days`}::interval,
                now() - ${`${30 - i} days`}::interval, now() - ${`${30 - i} days`}::interval, now() - ${`${30 - i} days`}::interval,
                ${db.sql.json(counts)}, ${60_000 + i * 1000})`;
    }
    const total = Number((await db.sql<{ n: string }[]>`select count(*) as n from crm_sync.runs`)[0]?.n);
    for (const language of ["en", "th"] as const) {
      const page = await pageIn(language, VIEWER, "/history");
      try {
        await page.locator("#history-runs tbody tr").first().waitFor();
        expect(await page.locator("#history-runs tbody tr").count()).toBe(20);
        expect(await page.locator("svg.chart.customers circle").count()).toBe(Math.min(30, total));
        expect(await page.locator("svg.chart.durations circle").count()).toBeGreaterThanOrEqual(25);
        await checked(page, `history-${language}`);
        await page.locator("#older").click();
        await page.waitForURL(/before=/);
        await page.locator("#history-runs tbody tr").first().waitFor();
        expect(await page.locator("#history-runs tbody tr").count()).toBe(total - 20);
        expect(await textOf(page, "#history-runs tbody")).toContain(language === "en" ? "1,234 new" : "ใหม่ 1,234");
        expect(await textOf(page, "#history-runs tbody")).toContain(language === "en" ? "Daily schedule" : "รอบอัตโนมัติประจำวัน");
        expect(await page.locator("#older").count()).toBe(0);
        await page.locator("#newer").click();
        await page.waitForURL(/after=/);
        await page.locator("#history-runs tbody tr").first().waitFor();
        expect(await page.locator("#history-runs tbody tr").count()).toBe(20);
        expect(await page.locator("#newer").count()).toBe(0);
      } finally {
        await page.close();
      }
    }
  });

  it("shows the home page in Thai, signed in, with Bangkok times and the latest run named by who asked", async () => {
    const page = await pageIn("th", OPERATOR, "/");
    try {
      await waitForText(page, "#signed-in-as", "office-operator (ผู้ปฏิบัติงาน)");
      expect(await page.locator("#token").isVisible()).toBe(false);
      await waitForText(page, "#run-name", "กดปุ่มบนแดชบอร์ด (office-operator)");
      // A Buddhist-era year: Thai dates as the office writes them.
      expect(await textOf(page, "#run-name")).toMatch(/25\d\d/);
      await checked(page, "home-th");
    } finally {
      await page.close();
    }
  });
});
