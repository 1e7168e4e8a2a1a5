import { PubSub } from "@google-cloud/pubsub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvent } from "@crm-sync/contracts";
import { openDatabase, type Database } from "@crm-sync/db";
import { chromiumMissing, gate, launchChromium, postgresMissing, pubsubEmulatorMissing, waitFor, type GcsRoute } from "@crm-sync/testing";
import { StartResponse } from "@crm-sync/trigger-client";
import { startStack, type RunningStack } from "../src/start-stack.ts";
import { tapOutcomes, type OutcomeTap } from "./support/outcome-tap.ts";

const skip =
  gate("Pub/Sub emulator", pubsubEmulatorMissing()) || gate("PostgreSQL", await postgresMissing()) || gate("Chromium", chromiumMissing());

const CUSTOMERS = 120;
// The scraper stores the export with a resumable upload; its PUT carries the bytes.
const EXPORT_STORE: GcsRoute = { method: "PUT", pathPrefix: "/upload/storage/v1/b/crm-sync-exports/o" };
const OUTSIDE_RUN_ID = "outside-app-request-0001";

interface RunRow {
  id: string;
  trigger: string;
  status: string;
  served_by: string | null;
  finished_at: Date | null;
  counts: { rows: number; inserted: number } | null;
}

describe.skipIf(skip)("every way in joins the active run, on the multi-process stack (Pub/Sub emulator push, Postgres, GCS test server)", () => {
  let stack: RunningStack;
  let db: Database;
  let tap: OutcomeTap;
  let pubsub: PubSub;

  beforeAll(async () => {
    stack = await startStack({ customers: CUSTOMERS });
    db = await openDatabase(stack.info.databaseUrl, { max: 2 });
    tap = await tapOutcomes(stack.info.projectId, stack.info.emulatorHost);
    pubsub = new PubSub({ projectId: stack.info.projectId, apiEndpoint: stack.info.emulatorHost, emulatorMode: true, universeDomain: "googleapis.com" });
  });
  afterAll(async () => {
    await pubsub?.close();
    await tap?.close();
    await db?.close();
    await stack?.stop();
  });

  const runs = () => db.sql<RunRow[]>`select id, trigger, status, served_by, finished_at, counts from crm_sync.runs order by requested_at, id`;
  const exportObjects = async () => {
    const response = await fetch(`${stack.gcs.url}/storage/v1/b/crm-sync-exports/o?prefix=exports/`);
    const body = (await response.json()) as { items?: Array<{ name: string }> };
    return (body.items ?? []).map((item) => item.name);
  };

  it("serves a Scheduler publish, a dashboard press and a direct publish made at the same moment with one scrape and one load, and answers all three", async () => {
    expect(await runs()).toEqual([]);
    let requestIds: string[] = [];
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(stack.info.dashboardUrl);
      const button = page.getByRole("button", { name: "Update Customer Data" });
      await page.waitForFunction(() => !(document.querySelector("button#update") as HTMLButtonElement | null)?.disabled);

      // The export's upload is held until all three requests are in the ledger, so the run is
      // still active whichever of them arrives last: no timing decides whether they meet.
      const upload = stack.gcs.holdNext(EXPORT_STORE);
      const answer = page.waitForResponse((response) => response.url().endsWith("/v1/syncs") && response.request().method() === "POST");
      const [, schedulerMessageId] = await Promise.all([
        button.click(),
        // Exactly what Cloud Scheduler's job publishes: a bare body, no run id.
        pubsub.topic("sync-requested").publishMessage({ data: Buffer.from('{"trigger":"schedule"}') }),
        // An outside publisher (another app) sending a full envelope with its own request id.
        pubsub.topic("sync-requested").publishMessage({ json: makeEvent("sync-requested", OUTSIDE_RUN_ID, { trigger: "api", requestedBy: "outside-app" }) }),
      ]);
      const pressed = StartResponse.parse(await (await answer).json());
      requestIds = [pressed.requestId ?? "", `msg-${schedulerMessageId}`, OUTSIDE_RUN_ID];
      await waitFor(async () => (await runs()).length === 3, { what: "three requests in the ledger", timeoutMs: 60_000 });
      upload.release();

      const finished = await waitFor(
        async () => {
          const rows = await runs();
          return rows.length === 3 && rows.every((row) => row.status === "succeeded" || row.status === "failed") ? rows : undefined;
        },
        { what: "all three requests answered", intervalMs: 200, timeoutMs: 90_000 },
      );
      expect(finished.map((row) => row.id).sort()).toEqual([...requestIds].sort());
      const serving = finished.filter((row) => row.served_by === null);
      expect(serving).toHaveLength(1);
      const runId = serving[0]!.id;
      // Each request's record names the run that served it (the opener is that run) and finished with it.
      for (const row of finished) {
        expect(row).toMatchObject({ status: "succeeded", counts: { rows: CUSTOMERS, inserted: CUSTOMERS } });
        expect(row.served_by ?? row.id).toBe(runId);
        expect(row.finished_at?.toISOString()).toBe(serving[0]!.finished_at?.toISOString());
      }
      expect(finished.map((row) => row.trigger).sort()).toEqual(["api", "manual", "schedule"]);
      // The press was answered with the run to follow; the dashboard shows it done.
      expect(pressed.run.runId).toBe(runId);
      await page.waitForFunction(() => document.querySelector("#phase")?.textContent?.trim() === "Done");
    } finally {
      await browser.close();
    }

    const runId = (await runs()).find((row) => row.served_by === null)?.id ?? "";
    // One scrape: one portal login, one export in the bucket, named after the run.
    expect(stack.portalLogins()).toBe(1);
    expect(await exportObjects()).toEqual([expect.stringMatching(new RegExp(`/${runId}\\.csv$`))]);
    // One load: one processed load, one run's customer changes, one sync-completed published.
    const [loads] = await db.sql<Array<{ n: number }>>`select count(*)::integer as n from crm_sync.processed_messages where consumer = 'loader'`;
    expect(loads?.n).toBe(1);
    const changedBy = await db.sql<Array<{ run_id: string }>>`select distinct run_id from crm_sync.customer_changes`;
    expect(changedBy.map((row) => row.run_id)).toEqual([runId]);
    await waitFor(() => tap.completed(runId) === 1, { what: "the run's sync-completed" });
    expect(requestIds.map((id) => [id, tap.completed(id), tap.failed(id).length])).toEqual(requestIds.map((id) => [id, id === runId ? 1 : 0, 0]));
  });
});
