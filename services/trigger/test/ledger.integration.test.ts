import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeEvent, type SyncEvent } from "@crm-sync/contracts";
import { RunView } from "@crm-sync/trigger-client";
import { waitFor } from "@crm-sync/testing";
import { startTrigger, type RunningTrigger } from "./support/start-trigger.ts";

const T0 = Date.parse("2026-11-26T02:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const counts = { rows: 30, inserted: 2, updated: 1, unchanged: 27, softDeleted: 0, revived: 0, rejected: 0 };
const object = (runId: string) => ({ bucket: "crm-exports", name: `exports/${runId}.csv`, generation: "1", sha256: "d".repeat(64), bytes: 10 });

function lifecycle(runId: string): SyncEvent[] {
  return [
    makeEvent("sync-requested", runId, { trigger: "manual", requestedBy: "office" }, at(0)),
    makeEvent("sync-progress", runId, { stage: "scraping", message: "Logging in to the portal" }, at(5)),
    makeEvent("sync-progress", runId, { stage: "uploading", message: "Storing the export" }, at(30)),
    makeEvent("csv-ready", runId, { object: object(runId), rows: 30 }, at(35)),
    makeEvent("sync-progress", runId, { stage: "parsing", message: "Reading the export" }, at(40)),
    makeEvent("sync-progress", runId, { stage: "committing", message: "Saving changes" }, at(50)),
    makeEvent("sync-completed", runId, { counts, durationMs: 14_000 }, at(55)),
  ];
}

/** The ledger row as the API shows it. */
async function view(t: RunningTrigger, runId: string): Promise<RunView> {
  return RunView.parse(await (await t.api(`/v1/syncs/${runId}`)).json());
}

describe("run ledger projection (PGlite + in-memory bus)", () => {
  let t: RunningTrigger;
  let now = new Date(T0);
  // One database for the file (each test uses its own run ids): PGlite start-up is the slow part.
  beforeAll(async () => {
    t = await startTrigger({ clock: () => now });
  });
  beforeEach(() => {
    now = new Date(T0);
  });
  afterAll(async () => t.close());

  it("ends in the same place whether events arrive in order, reversed or twice", async () => {
    for (const [runId, order] of [
      ["run-in-order", (events: SyncEvent[]) => events],
      ["run-reversed", (events: SyncEvent[]) => [...events].reverse()],
      ["run-twice", (events: SyncEvent[]) => [...events, ...events]],
    ] as const) {
      for (const event of order(lifecycle(runId))) await t.bus.publish(event);
      // One run at a time: a run requested while another is active would join it (single-flight).
      await t.drain();
    }
    const runs = await Promise.all(["run-in-order", "run-reversed", "run-twice"].map((id) => view(t, id)));
    for (const run of runs) {
      expect(run).toMatchObject({ status: "succeeded", phase: "done", trigger: "manual", requestedBy: "office", counts, error: null });
      expect(run.sourceObject?.name).toBe(`exports/${run.runId}.csv`);
      expect(run.finishedAt).toBe(at(55).toISOString());
    }
    // Each stage's first report is kept through the database; reversed, the outcome came first
    // and a finished run takes no late progress.
    const timeline = { scraping: at(5), uploading: at(30), parsing: at(35), committing: at(50) };
    const expected = Object.fromEntries(Object.entries(timeline).map(([stage, when]) => [stage, when.toISOString()]));
    expect([runs[0]?.stageTimes, runs[2]?.stageTimes]).toEqual([expected, expected]);
    expect(runs[1]?.stageTimes).toEqual({});
  });

  it("never reopens a finished run when progress arrives late", async () => {
    const runId = "run-late-progress";
    const [requested, scraping, , , , committing, completed] = lifecycle(runId) as [SyncEvent, SyncEvent, SyncEvent, SyncEvent, SyncEvent, SyncEvent, SyncEvent];
    for (const event of [requested, scraping, completed]) await t.bus.publish(event);
    await t.drain();
    await t.bus.publish(committing);
    await t.bus.publish(makeEvent("sync-progress", runId, { stage: "scraping", message: "Retrying login" }, at(60)));
    await t.drain();
    expect(await view(t, runId)).toMatchObject({ status: "succeeded", stage: "scraping", message: "Customer data is up to date" });
  });

  it("keeps the first permanent failure and shows a Scheduler run that only progress announced", async () => {
    const runId = "msg-998877";
    await t.bus.publish(makeEvent("sync-progress", runId, { stage: "scraping", message: "Logging in" }, at(5)));
    await t.drain();
    expect(await view(t, runId)).toMatchObject({ trigger: "unknown", status: "running", phase: "scraping" });
    const failure = { stage: "scraping" as const, retryable: false, destinationUntouched: true, artifacts: [], attempt: 1 };
    await t.bus.publish(makeEvent("sync-failed", runId, { ...failure, code: "PORTAL_AUTH_FAILED", message: "The portal refused the login." }, at(9)));
    await t.drain();
    await t.bus.publish(makeEvent("sync-failed", runId, { ...failure, code: "PORTAL_LAYOUT_CHANGED", message: "Layout changed." }, at(10)));
    await t.bus.publish(makeEvent("sync-requested", runId, { trigger: "schedule" }, at(0)));
    await t.drain();
    expect(await view(t, runId)).toMatchObject({
      trigger: "schedule",
      status: "failed",
      error: { code: "PORTAL_AUTH_FAILED", message: "The portal refused the login.", retryable: false },
      destinationUntouched: true,
    });
  });

  it("fails a run stuck in one stage past its deadline, and a late completion still wins", async () => {
    const runId = "run-stuck";
    const [requested, scraping] = lifecycle(runId) as [SyncEvent, SyncEvent];
    await t.bus.publish(requested);
    await t.bus.publish(scraping);
    await t.drain();
    now = new Date(T0 + 5_000 + 20 * 60_000);
    expect(await t.trigger.sweep()).toBe(0);
    now = new Date(T0 + 5_000 + 20 * 60_000 + 1);
    expect(await t.trigger.sweep()).toBe(1);
    const stuck = await view(t, runId);
    expect(stuck).toMatchObject({ status: "failed", phase: "failed", stage: "scraping", destinationUntouched: true, error: { code: "EXPORT_TIMEOUT" } });
    expect(stuck.error?.message).toContain("Stage timeout");
    expect(await t.trigger.sweep()).toBe(0);

    await t.bus.publish(makeEvent("sync-completed", runId, { counts, durationMs: 1_300_000 }, at(1300)));
    await t.drain();
    expect(await view(t, runId)).toMatchObject({ status: "succeeded", error: null, counts });
  });

  it("streams the current state, then each stage in order, and closes when the run ends", async () => {
    const runId = "run-streamed";
    const events = lifecycle(runId);
    await t.bus.publish(events[0] as SyncEvent);
    await t.drain();
    const response = await t.api(`/v1/syncs/${runId}/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const seen: RunView[] = [];
    const reading = (async () => {
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let split = buffer.indexOf("\n\n"); split >= 0; split = buffer.indexOf("\n\n")) {
          const data = buffer.slice(0, split).split("\n").find((line) => line.startsWith("data: "));
          buffer = buffer.slice(split + 2);
          if (data !== undefined) seen.push(RunView.parse(JSON.parse(data.slice(6))));
        }
      }
    })();
    await waitFor(() => seen.length === 1, { what: "the current state" });
    for (const event of events.slice(1)) {
      const before = seen.length;
      await t.bus.publish(event);
      await t.drain();
      await waitFor(() => seen.length > before, { what: `the stream to show ${event.type}` });
    }
    await reading; // the server ended the stream
    expect(seen.map((run) => run.stage)).toEqual(["queued", "scraping", "uploading", "parsing", "parsing", "committing", "committing"]);
    expect(seen.map((run) => run.phase)).toEqual(["queued", "scraping", "scraping", "loading", "loading", "loading", "done"]);
    expect(seen.at(-1)).toMatchObject({ status: "succeeded", counts });
    expect(t.trigger.changes.listenerCount(runId)).toBe(0);
  });

  it("stops listening when the client disconnects", async () => {
    const runId = "run-abandoned";
    await t.bus.publish(makeEvent("sync-requested", runId, { trigger: "manual" }, at(0)));
    await t.drain();
    const controller = new AbortController();
    const response = await t.api(`/v1/syncs/${runId}/events`, { signal: controller.signal });
    expect(response.status).toBe(200);
    await waitFor(() => t.trigger.changes.listenerCount(runId) === 1, { what: "the stream to listen" });
    controller.abort();
    await waitFor(() => t.trigger.changes.listenerCount(runId) === 0, { what: "the listener to be removed" });
    // Finished, so the next test's request opens a run of its own instead of joining this one.
    await t.bus.publish(makeEvent("sync-completed", runId, { counts, durationMs: 5 }, at(1)));
    await t.drain();
  });

  it("ends the stream at once for a run that has already finished", async () => {
    const runId = "run-finished-before";
    for (const event of lifecycle(runId)) await t.bus.publish(event);
    await t.drain();
    const text = await (await t.api(`/v1/syncs/${runId}/events`)).text();
    const frames = text.split("\n\n").filter((frame) => frame.startsWith("event: run"));
    expect(frames).toHaveLength(1);
    expect(frames[0]).toContain('"status":"succeeded"');
  });
});
