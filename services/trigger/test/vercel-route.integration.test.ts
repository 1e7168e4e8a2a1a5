import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeEvent } from "@crm-sync/contracts";
import { GET, POST } from "../../../examples/vercel/app/api/crm/update-customers/route.ts";
import { API_TOKEN, startTrigger, type RunningTrigger } from "./support/start-trigger.ts";

const ROUTE = "https://dashboard.example.test/api/crm/update-customers";

describe("the Vercel route handler against a running trigger", () => {
  let t: RunningTrigger;
  const saved = { url: process.env["CRM_SYNC_API_URL"], token: process.env["CRM_SYNC_API_TOKEN"] };

  beforeAll(async () => {
    t = await startTrigger();
  });
  afterEach(() => {
    process.env["CRM_SYNC_API_URL"] = t.url;
    process.env["CRM_SYNC_API_TOKEN"] = API_TOKEN;
  });
  afterAll(async () => {
    for (const [key, value] of [["CRM_SYNC_API_URL", saved.url], ["CRM_SYNC_API_TOKEN", saved.token]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await t.close();
  });

  it("starts a sync and returns its run id, then joins it on a second press", async () => {
    process.env["CRM_SYNC_API_URL"] = t.url;
    process.env["CRM_SYNC_API_TOKEN"] = API_TOKEN;
    const first = await POST();
    expect(first.status).toBe(202);
    const started = (await first.json()) as { runId: string; status: string; phase: string; coalesced: boolean };
    expect(started).toMatchObject({ status: "queued", phase: "queued", coalesced: false });
    expect(started.runId).toMatch(/^run-/);

    const second = (await (await POST()).json()) as { runId: string; coalesced: boolean };
    expect(second).toEqual(expect.objectContaining({ runId: started.runId, coalesced: true }));

    const counts = { rows: 5, inserted: 5, updated: 0, unchanged: 0, softDeleted: 0, revived: 0, rejected: 0 };
    await t.bus.publish(makeEvent("sync-completed", started.runId, { counts, durationMs: 20 }));
    await t.drain();
    const status = await GET(new Request(`${ROUTE}?runId=${started.runId}`));
    expect(await status.json()).toMatchObject({ runId: started.runId, status: "succeeded", phase: "done", counts, trigger: "manual", requestedBy: "test-approver" });
  });

  it("answers 500 without configuration and does not leak a refused token", async () => {
    delete process.env["CRM_SYNC_API_URL"];
    expect((await POST()).status).toBe(500);
    process.env["CRM_SYNC_API_URL"] = t.url;
    process.env["CRM_SYNC_API_TOKEN"] = "wrong-token-value";
    const refused = await POST();
    expect(refused.status).toBe(500);
    const text = await refused.text();
    expect(text).toContain("UNAUTHENTICATED");
    expect(text).not.toContain("wrong-token-value");
  });

  it("answers 502 when the trigger cannot be reached", async () => {
    process.env["CRM_SYNC_API_URL"] = "http://127.0.0.1:9";
    expect((await POST()).status).toBe(502);
  });
});
