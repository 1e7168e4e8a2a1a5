import { createHash } from "node:crypto";
import { buffer } from "node:stream/consumers";
import { unzipSync } from "fflate";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { customerCsvStream, generateCustomers } from "@crm-sync/fake-qashier";
import { chromiumMissing, gate, launchChromium } from "@crm-sync/testing";
import type { ErrorCode } from "@crm-sync/contracts";
import { PASSWORD, startHarness, USERNAME, type Harness, type HarnessOptions } from "./support/scraper-harness.ts";

type Browser = Awaited<ReturnType<typeof launchChromium>>;

describe.skipIf(gate("Chromium", chromiumMissing()))("scraper against the fake Qashier portal", () => {
  let browser: Browser;
  const open: Harness[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const harness of open.splice(0)) await harness.close();
  });

  async function harness(options: Omit<HarnessOptions, "browser"> = {}): Promise<Harness> {
    const started = await startHarness({ browser, ...options });
    open.push(started);
    return started;
  }

  async function portalBytes(seed: number, count: number): Promise<Buffer> {
    return await buffer(customerCsvStream({ seed, count }));
  }

  function expectNoSecretsOrCustomersInLogs(h: Harness, seed: number) {
    const output = h.logs.join("\n");
    expect(output).not.toContain(PASSWORD);
    const first = generateCustomers({ seed, count: 1 })[Symbol.iterator]().next().value;
    if (first !== undefined && first.email !== "") expect(output).not.toContain(first.email);
  }

  it("stores the export byte for byte and announces it with its sha256 and row count", async () => {
    const h = await harness({ portal: { customers: { seed: 21, count: 120 } } });
    await h.request("run-happy", new Date("2026-11-26T19:00:00.000Z"));

    const expected = await portalBytes(21, 120);
    const [ready] = h.ofType("csv-ready");
    expect(ready?.data).toEqual({
      object: expect.objectContaining({ name: "exports/customers/2026/11/26/run-happy.csv", sha256: createHash("sha256").update(expected).digest("hex"), bytes: expected.length }),
      rows: 120,
      portalTotal: 120,
    });
    expect(Buffer.compare(await buffer(await h.blobs.get("exports/customers/2026/11/26/run-happy.csv")), expected)).toBe(0);
    expect((await h.blobs.stat("exports/customers/2026/11/26/run-happy.csv"))?.contentType).toBe("text/csv");
    expect(h.ofType("sync-progress").map((e) => e.data.message)).toEqual(
      expect.arrayContaining(["Logging in to the portal", "Exporting customers", "Storing the export (120 customers)"]),
    );
    expect(h.ofType("sync-failed")).toEqual([]);
    expect(h.portal.decoyClicks()).toEqual([]);
    expectNoSecretsOrCustomersInLogs(h, 21);
  });

  it("takes the file from a download the page builds from a Blob", async () => {
    const h = await harness({ portal: { downloadMode: "blob", customers: { seed: 5, count: 30 } } });
    await h.request("run-blob");
    const [ready] = h.ofType("csv-ready");
    expect(ready?.data.rows).toBe(30);
    expect(Buffer.compare(await buffer(await h.blobs.get(ready?.data.object.name ?? "")), await portalBytes(5, 30))).toBe(0);
  });

  it("never clicks the decoy export controls, which the observer would report", async () => {
    const h = await harness();
    await h.request("run-decoys");
    expect(h.ofType("csv-ready")).toHaveLength(1);
    expect(h.portal.decoyClicks()).toEqual([]);

    // The observer does see a click on a decoy, so the empty list above means something.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${h.portal.url}/#/login?redirect=/customer-management`);
    await page.getByLabel("Username", { exact: true }).fill(USERNAME);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Login", exact: true }).click();
    await page.getByRole("button", { name: "Export Transactions", exact: true }).click();
    await context.close();
    await expect.poll(() => h.portal.decoyClicks()).toEqual(["Export Transactions"]);
  });

  it("publishes csv-ready again for a redelivered request without scraping twice", async () => {
    const h = await harness();
    const request = await h.request("run-redelivered");
    await h.redeliver(request);
    const ready = h.ofType("csv-ready");
    expect(ready).toHaveLength(2);
    expect(ready[1]?.data.object).toEqual(ready[0]?.data.object);
    expect(ready[1]?.data.rows).toBe(40);
    expect(h.portal.exports()).toBe(1);
  });

  it("reuses the logged-in session and logs in again once the portal expired it", async () => {
    const h = await harness();
    await h.request("run-session-1");
    await h.request("run-session-2");
    expect(h.portal.state.logins).toBe(1);
    h.portal.expireSeenSessions();
    await h.request("run-session-3");
    expect(h.portal.state.logins).toBe(2);
    expect(h.ofType("csv-ready").map((e) => e.runId)).toEqual(["run-session-1", "run-session-2", "run-session-3"]);
  });

  const variants: Array<{ variant: "wrong-credentials" | "maintenance" | "no-download" | "truncated" | "empty" | "header-drift" | "server-error"; code: ErrorCode }> = [
    { variant: "wrong-credentials", code: "PORTAL_AUTH_FAILED" },
    { variant: "maintenance", code: "PORTAL_UNAVAILABLE" },
    { variant: "server-error", code: "PORTAL_UNAVAILABLE" },
    { variant: "no-download", code: "EXPORT_TIMEOUT" },
    { variant: "truncated", code: "EXPORT_INCOMPLETE" },
    { variant: "empty", code: "EXPORT_EMPTY" },
    { variant: "header-drift", code: "CSV_HEADER_MISMATCH" },
  ];

  it.each(variants)("fails a $variant portal with $code, stores the evidence and announces nothing as ready", async ({ variant, code }) => {
    const h = await harness({ portal: { variant }, downloadMs: 3_000 });
    const runId = `run-${variant}`;
    await h.request(runId);

    expect(h.ofType("csv-ready")).toEqual([]);
    const failed = h.ofType("sync-failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.data).toMatchObject({ stage: "scraping", code, destinationUntouched: true, attempt: 1 });
    const kinds = failed[0]?.data.artifacts.map((a) => a.kind) ?? [];
    expect(kinds).toEqual(expect.arrayContaining(["screenshot", "html", "trace"]));
    for (const artifact of failed[0]?.data.artifacts ?? []) {
      expect(artifact.name.startsWith(`artifacts/${runId}/`)).toBe(true);
      expect(await h.blobs.stat(artifact.name)).toBeDefined();
    }
    expect((await h.blobs.list("exports/")).length).toBe(0);
    expectNoSecretsOrCustomersInLogs(h, 11);
  });

  it("fails a changed layout within the configured bound", async () => {
    const h = await harness({ portal: { variant: "layout-changed" }, elementMs: 2_000 });
    const started = Date.now();
    await h.request("run-layout");
    const elapsed = Date.now() - started;
    const [failed] = h.ofType("sync-failed");
    expect(failed?.data.code).toBe("PORTAL_LAYOUT_CHANGED");
    expect(failed?.data.retryable).toBe(false);
    expect(failed?.data.artifacts.map((a) => a.kind)).toEqual(expect.arrayContaining(["screenshot", "html", "trace"]));
    expect(elapsed).toBeLessThan(10_000);
  });

  it.each(["wrong-credentials", "layout-changed"] as const)("keeps the password out of every stored artifact (%s)", async (variant) => {
    const h = await harness({ portal: { variant }, elementMs: 2_000 });
    await h.request("run-secret");
    const [failed] = h.ofType("sync-failed");
    expect(failed?.data.artifacts.length).toBeGreaterThanOrEqual(3);
    const encoded = [Buffer.from(PASSWORD, "utf8"), Buffer.from(JSON.stringify(PASSWORD).slice(1, -1), "utf8")];
    for (const artifact of failed?.data.artifacts ?? []) {
      const bytes = await buffer(await h.blobs.get(artifact.name));
      // Traces are zip files; their entries are stored deflated, so search the inflated text too.
      const texts = artifact.kind === "trace" ? unzipTexts(bytes) : [bytes];
      for (const text of texts) for (const secret of encoded) expect(text.includes(secret), `${artifact.name} holds the password`).toBe(false);
    }
  });

  // Evidence taken after login shows the customer page; the portal's session cookie, which would
  // let anyone with the bucket act as the club in the portal, must not be in any of it.
  it.each([
    { session: "a fresh login", warmUp: false },
    { session: "a reused session", warmUp: true },
  ])("keeps the session cookie out of every stored artifact of a failure after $session", async ({ warmUp }) => {
    const h = await harness({ portal: { variant: warmUp ? "ok" : "truncated" } });
    if (warmUp) {
      await h.request("run-cookie-warm-up");
      expect(h.ofType("csv-ready")).toHaveLength(1);
      h.portal.state.setVariant("truncated");
    }
    await h.request("run-cookie");
    const failed = h.ofType("sync-failed");
    expect(failed.map((e) => e.data.code)).toEqual(["EXPORT_INCOMPLETE"]);
    expect(h.portal.state.logins).toBe(1);
    const tokens = h.portal.seenSessions();
    expect(tokens).toHaveLength(1);
    const encoded = tokens.flatMap((token) => [Buffer.from(token), Buffer.from(encodeURIComponent(token))]);
    const artifacts = failed[0]?.data.artifacts ?? [];
    expect(artifacts.map((a) => a.kind)).toEqual(expect.arrayContaining(["screenshot", "html", "trace"]));
    let traceEntries = 0;
    for (const artifact of artifacts) {
      const bytes = await buffer(await h.blobs.get(artifact.name));
      const texts = artifact.kind === "trace" ? unzipTexts(bytes) : [bytes];
      if (artifact.kind === "trace") traceEntries += texts.length - 1;
      for (const text of texts) for (const secret of encoded) expect(text.includes(secret), `${artifact.name} holds the session cookie`).toBe(false);
    }
    // The traces still carry the run after login (network entries of the customer page).
    const afterLogin = artifacts.find((a) => a.name.endsWith("/trace.zip"));
    expect(afterLogin).toBeDefined();
    const network = unzipTexts(await buffer(await h.blobs.get(afterLogin!.name))).map((b) => b.toString("utf8")).join("\n");
    expect(network).toContain("/api/customers/export");
    expect(traceEntries).toBeGreaterThan(2);
    expect(await h.blobs.list("artifacts/run-cookie/")).not.toEqual([]);
  });

  it("retries a transient failure and reports it on the last attempt", async () => {
    const h = await harness({ portal: { variant: "maintenance" }, maxDeliveryAttempts: 2 });
    await h.request("run-retried");
    const failed = h.ofType("sync-failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.data).toMatchObject({ code: "PORTAL_UNAVAILABLE", retryable: true, attempt: 2 });
    expect(h.ofType("sync-progress").some((e) => e.data.message.includes("retrying"))).toBe(true);
    expect(await h.blobs.list("artifacts/run-retried/attempt-1/")).not.toEqual([]);
  });

  it("recovers on redelivery once the portal is back", async () => {
    const h = await harness({ portal: { variant: "maintenance" }, maxDeliveryAttempts: 3 });
    // The first attempt meets the maintenance page; the portal is back before the retry.
    const healed = h.bus.subscribe("sync-progress", "test.heal", async ({ event }) => {
      if (event.data.message.includes("retrying")) h.portal.state.setVariant("ok");
      return "ack";
    });
    await healed;
    await h.request("run-recovers");
    expect(h.ofType("sync-failed")).toEqual([]);
    expect(h.ofType("csv-ready")).toHaveLength(1);
  });

  it("waits for a slow customer page instead of failing or sleeping", async () => {
    const h = await harness({ portal: { variant: "slow", exportDelayMs: 1_500 }, elementMs: 5_000 });
    await h.request("run-slow");
    expect(h.ofType("sync-failed")).toEqual([]);
    expect(h.ofType("csv-ready")[0]?.data.rows).toBe(40);
  });

  it("logs in with a non-ASCII password", async () => {
    const h = await harness();
    await h.request("run-unicode");
    expect(h.portal.state.logins).toBe(1);
    expect(h.ofType("csv-ready")).toHaveLength(1);
  });
});

/** Every entry of a trace zip, inflated, so a search sees the text inside. */
function unzipTexts(zip: Buffer): Buffer[] {
  return [zip, ...Object.values(unzipSync(zip)).map((entry) => Buffer.from(entry))];
}
