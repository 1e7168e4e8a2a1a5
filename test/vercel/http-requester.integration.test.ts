import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvent } from "@crm-sync/contracts";
import { httpRequester } from "../../libs/vercel-sync/src/index.ts";
import { API_TOKEN, startTrigger, type RunningTrigger } from "../../services/trigger/test/support/start-trigger.ts";

// The HTTP-trigger path, kept as an option (CRM_SYNC_TRANSPORT=http): the trigger API opens the
// run or joins the active one, against a running trigger.
describe("the package's HTTP requester against a running trigger", () => {
  let t: RunningTrigger;

  beforeAll(async () => {
    t = await startTrigger();
  });
  afterAll(async () => {
    await t.close();
  });

  it("starts a sync and returns its run id, then joins it on a second press", async () => {
    const requester = httpRequester({ baseUrl: t.url, token: API_TOKEN });
    const first = await requester.requestSync({ requestedBy: "ignored: the trigger names its verified caller" });
    expect(first).toMatchObject({ via: "http", coalesced: false });
    expect(first.runId).toMatch(/^run-/);
    expect(await requester.requestSync({ requestedBy: "front desk" })).toEqual({ runId: first.runId, via: "http", coalesced: true });

    const counts = { rows: 5, inserted: 5, updated: 0, unchanged: 0, softDeleted: 0, revived: 0, rejected: 0 };
    await t.bus.publish(makeEvent("sync-completed", first.runId, { counts, durationMs: 20 }));
    await t.drain();
    const run = (await (await t.api(`/v1/syncs/${first.runId}`)).json()) as Record<string, unknown>;
    expect(run).toMatchObject({ runId: first.runId, status: "succeeded", counts, trigger: "manual", requestedBy: "test-approver" });
  });

  it("reports a refused token as TRIGGER_REFUSED without the token in the message", async () => {
    const error = await httpRequester({ baseUrl: t.url, token: "wrong-token-value" })
      .requestSync({ requestedBy: "front desk" })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: "TRIGGER_REFUSED", retryable: false });
    expect(String((error as Error).message)).not.toContain("wrong-token-value");
  });

  it("reports an unreachable trigger as TRIGGER_UNAVAILABLE, worth retrying", async () => {
    const error = await httpRequester({ baseUrl: "http://127.0.0.1:9", token: API_TOKEN })
      .requestSync({ requestedBy: "front desk" })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: "TRIGGER_UNAVAILABLE", retryable: true });
  });
});
