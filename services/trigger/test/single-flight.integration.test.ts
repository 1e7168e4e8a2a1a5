import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeEvent, type EventOf } from "@crm-sync/contracts";
import { createOidcVerifier, pushPath } from "@crm-sync/bus";
import { createTestDatabase, gate, postgresMissing, type TestDatabase } from "@crm-sync/testing";
import { StartResponse } from "@crm-sync/trigger-client";
import { startTrigger, type RunningTrigger } from "./support/start-trigger.ts";

interface RunRow {
  id: string;
  trigger: string;
  status: string;
  served_by: string | null;
  finished_at: Date | null;
  error_code: string | null;
  counts: unknown;
}

const COUNTS = { rows: 3, inserted: 1, updated: 0, unchanged: 2, softDeleted: 0, revived: 0, rejected: 0 };

/** A Pub/Sub push of `data` to the trigger's sync-requested endpoint, as message `messageId`. */
function pushBody(data: unknown, messageId: string, deliveryAttempt = 1): string {
  return JSON.stringify({
    message: { data: Buffer.from(JSON.stringify(data)).toString("base64"), attributes: {}, messageId, publishTime: new Date().toISOString() },
    subscription: "projects/crm-sync-test/subscriptions/trigger.sync-requested",
    deliveryAttempt,
  });
}

describe.skipIf(gate("Postgres", await postgresMissing()))("single-flight across every way in, on real Postgres", () => {
  let database: TestDatabase;
  let t: RunningTrigger;
  let handedOver: Array<EventOf<"scrape-requested">> = [];
  let failHandOvers = 0;
  let messages = 0;

  beforeAll(async () => {
    database = await createTestDatabase("crm_sync_trigger");
    // Push mode for sync-requested (the cloud's way in for Scheduler and outside publishers), the
    // API for presses, and the in-memory bus for the ledger's other topics.
    t = await startTrigger({ databaseUrl: database.url, push: { verifier: createOidcVerifier({ enabled: false }) } });
    const publish = t.bus.publish.bind(t.bus);
    // Stands in for a Pub/Sub outage on the hand-over: the next `failHandOvers` publishes fail.
    t.bus.publish = async (event) => {
      if (event.type === "scrape-requested" && failHandOvers > 0) {
        failHandOvers -= 1;
        throw new Error("Pub/Sub unavailable (test)");
      }
      return await publish(event);
    };
    await t.bus.subscribe("scrape-requested", "test-scraper.scrape-requested", async ({ event }) => {
      handedOver.push(event);
      return "ack";
    });
  });
  beforeEach(() => {
    handedOver = [];
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  const rows = () => t.db.sql<RunRow[]>`select id, trigger, status, served_by, finished_at, error_code, counts from crm_sync.runs order by requested_at, id`;
  const push = async (body: string) => {
    const response = await fetch(`${t.url}${pushPath("sync-requested")}`, { method: "POST", headers: { "content-type": "application/json" }, body });
    await response.body?.cancel();
    return response.status;
  };
  const press = async () => StartResponse.parse(await (await t.api("/v1/syncs", { method: "POST", body: "{}" })).json());
  const nextMessageId = () => String(7_000_000 + (messages += 1));
  const finish = async (runId: string) => {
    await t.bus.publish(makeEvent("sync-completed", runId, { counts: COUNTS, durationMs: 10 }));
    await t.drain();
  };
  const warmPool = () => Promise.all(Array.from({ length: 10 }, () => t.db.sql`select pg_sleep(0.05)`));

  it("turns 30 requests at once from the API, Scheduler bodies and direct publishes into one run and one hand-over", async () => {
    // Open the whole pool first: on fresh lazy connections the first one would serve every
    // request in turn before the others finish connecting, and the race would never happen.
    await warmPool();
    const before = new Set((await rows()).map((row) => row.id));
    const outsideRunIds = Array.from({ length: 10 }, (_, i) => `outside-app-request-${i}`);
    const [presses, scheduler, outside] = await Promise.all([
      Promise.all(Array.from({ length: 10 }, press)),
      Promise.all(Array.from({ length: 10 }, () => push(pushBody({ trigger: "schedule" }, nextMessageId())))),
      Promise.all(outsideRunIds.map((runId) => push(pushBody(makeEvent("sync-requested", runId, { trigger: "api", requestedBy: "outside-app" }), nextMessageId())))),
    ]);
    expect([...scheduler, ...outside]).toEqual(Array(20).fill(204));
    await t.drain();

    const made = (await rows()).filter((row) => !before.has(row.id));
    expect(made).toHaveLength(30);
    const opened = made.filter((row) => row.served_by === null);
    expect(opened).toHaveLength(1);
    const runId = opened[0]!.id;
    expect(made.filter((row) => row.served_by === runId)).toHaveLength(29);
    expect(handedOver.map((event) => event.runId)).toEqual([runId]);
    // Each press is answered with the one run to follow and a record of its own.
    expect(new Set(presses.map((answer) => answer.run.runId))).toEqual(new Set([runId]));
    expect(new Set(presses.map((answer) => answer.requestId)).size).toBe(10);
    expect(made.map((row) => row.trigger).sort()).toEqual([...Array(10).fill("api"), ...Array(10).fill("manual"), ...Array(10).fill("schedule")].sort());

    await finish(runId);
    const finished = (await rows()).filter((row) => !before.has(row.id));
    // Every request finishes with the run that served it, with its outcome.
    expect(finished.map((row) => [row.status, row.finished_at?.toISOString(), row.counts])).toEqual(
      Array(30).fill(["succeeded", finished.find((row) => row.id === runId)?.finished_at?.toISOString(), COUNTS]),
    );
  });

  it("takes a redelivered request as the same request: one record, no second hand-over", async () => {
    const messageId = nextMessageId();
    expect(await push(pushBody({ trigger: "schedule" }, messageId))).toBe(204);
    expect(await push(pushBody({ trigger: "schedule" }, messageId, 2))).toBe(204);
    await t.drain();
    const runId = `msg-${messageId}`;
    expect((await rows()).filter((row) => row.id === runId)).toHaveLength(1);
    expect(handedOver.map((event) => event.runId)).toEqual([runId]);
    await finish(runId);
  });

  it("hands an opened run over on redelivery when the hand-over could not be published (the trigger asks Pub/Sub to retry)", async () => {
    const messageId = nextMessageId();
    const runId = `msg-${messageId}`;
    failHandOvers = 1;
    expect(await push(pushBody({ trigger: "schedule" }, messageId))).toBe(500);
    await t.drain();
    expect(handedOver).toEqual([]);
    // Meanwhile a press joins the run that is waiting for its hand-over.
    const joined = await press();
    expect(joined).toMatchObject({ coalesced: true, run: { runId } });
    expect(await push(pushBody({ trigger: "schedule" }, messageId, 2))).toBe(204);
    await t.drain();
    expect(handedOver.map((event) => event.runId)).toEqual([runId]);
    await finish(runId);
    expect((await rows()).find((row) => row.id === joined.requestId)).toMatchObject({ status: "succeeded", served_by: runId });
  });

  it("never leaves a request waiting on a run that finished while it joined (20 rounds of a completion racing a request)", async () => {
    await warmPool();
    for (let round = 0; round < 20; round += 1) {
      const { run } = await press();
      await t.drain();
      await Promise.all([finish(run.runId), push(pushBody({ trigger: "schedule" }, nextMessageId()))]);
      await t.drain();
      const active = (await rows()).filter((row) => row.status === "queued" || row.status === "running");
      // Either the request joined in time and finished with the run, or it came after and opened the next run.
      expect(active.every((row) => row.served_by === null)).toBe(true);
      for (const row of active) await finish(row.id);
    }
  });

  it("fails joined requests only with the run that serves them: the stage-timeout sweep counts the run alone", async () => {
    const { run } = await press();
    const joined = await Promise.all([press(), press()]);
    await t.drain();
    const now = Date.now();
    const swept = await t.trigger.sweep();
    expect(swept).toBe(0);
    // Past the queued deadline (10 minutes) for the run; the sweep is given a later clock.
    const later = await startTrigger({ databaseUrl: database.url, subscribe: false, clock: () => new Date(now + 11 * 60_000) });
    try {
      expect(await later.trigger.sweep()).toBe(1);
    } finally {
      await later.close();
    }
    const after = await rows();
    expect(after.find((row) => row.id === run.runId)).toMatchObject({ status: "failed", error_code: "INTERNAL" });
    for (const answer of joined) expect(after.find((row) => row.id === answer.requestId)).toMatchObject({ status: "failed", error_code: "INTERNAL", served_by: run.runId });
  });
});
