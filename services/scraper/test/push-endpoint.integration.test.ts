import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvent } from "@crm-sync/contracts";
import { createOidcVerifier } from "@crm-sync/bus";
import { createLogger } from "@crm-sync/logging";
import { listen, type RunningServer } from "@crm-sync/server";
import { chromiumMissing, gate, launchChromium } from "@crm-sync/testing";
import { createApp } from "../src/app.ts";
import { startHarness, type Harness } from "./support/scraper-harness.ts";

type Browser = Awaited<ReturnType<typeof launchChromium>>;

/** The trigger's hand-over of a run its ledger opened (requested at a fixed time, so the export's name is known). */
function scrapeRequest(runId: string) {
  return makeEvent("scrape-requested", runId, { trigger: "schedule" }, new Date("2026-11-26T19:00:00.000Z"));
}

function pushBody(data: unknown, messageId: string, deliveryAttempt = 1) {
  return JSON.stringify({
    message: { data: Buffer.from(JSON.stringify(data)).toString("base64"), attributes: {}, messageId, publishTime: "2026-11-26T19:00:00.000Z" },
    subscription: "projects/crm-sync-local/subscriptions/scraper.scrape-requested",
    deliveryAttempt,
  });
}

describe.skipIf(gate("Chromium", chromiumMissing()))("scraper push endpoint", () => {
  let browser: Browser;
  let harness: Harness;
  let server: RunningServer;

  beforeAll(async () => {
    browser = await launchChromium();
    harness = await startHarness({ browser, maxDeliveryAttempts: 5 });
    const logger = createLogger({ service: "scraper-test", level: "silent" });
    server = await listen(createApp({ logger, scraper: harness.scraper, push: { verifier: createOidcVerifier({ enabled: false }) } }), 0);
  });
  afterAll(async () => {
    await server?.close();
    await harness?.close();
    await browser?.close();
  });

  async function post(body: string) {
    return await fetch(`${server.url}/pubsub/scrape-requested`, { method: "POST", headers: { "content-type": "application/json" }, body });
  }

  it("scrapes a run the ledger opened and answers 204 once csv-ready is out", async () => {
    const response = await post(pushBody(scrapeRequest("msg-778899"), "778899"));
    expect(response.status).toBe(204);
    await harness.bus.drain();
    const [ready] = harness.ofType("csv-ready");
    expect(ready?.runId).toBe("msg-778899");
    expect(ready?.data.object.name).toBe("exports/customers/2026/11/26/msg-778899.csv");
  });

  it("answers 204 to a message that can never succeed, without scraping: a bare Scheduler body is the ledger's to decide, not the scraper's", async () => {
    const exportsBefore = harness.portal.exports();
    expect((await post(pushBody({ trigger: "whenever" }, "778900"))).status).toBe(204);
    expect((await post(pushBody({ trigger: "schedule" }, "778902"))).status).toBe(204);
    await harness.bus.drain();
    expect(harness.portal.exports()).toBe(exportsBefore);
  });

  it("answers 500 so Pub/Sub retries a transient failure, and 204 with sync-failed on the last attempt", async () => {
    harness.portal.state.setVariant("maintenance");
    try {
      expect((await post(pushBody(scrapeRequest("msg-778901"), "778901", 1))).status).toBe(500);
      await harness.bus.drain();
      expect(harness.ofType("sync-failed").filter((e) => e.runId === "msg-778901")).toEqual([]);

      expect((await post(pushBody(scrapeRequest("msg-778901"), "778901", 5))).status).toBe(204);
      await harness.bus.drain();
      const failed = harness.ofType("sync-failed").filter((e) => e.runId === "msg-778901");
      expect(failed.map((e) => e.data)).toEqual([expect.objectContaining({ code: "PORTAL_UNAVAILABLE", retryable: true, attempt: 5 })]);
    } finally {
      harness.portal.state.setVariant("ok");
    }
  });
});
