import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, type RunningServer } from "@crm-sync/server";
import { createTestDatabase, gate, postgresMissing, waitFor, type TestDatabase } from "@crm-sync/testing";
import { schedulerToken, startHarness, type Harness } from "./harness.ts";

const STALE_SUBJECT = "[crm-sync] ไม่มีการซิงก์ที่สำเร็จนานเกิน 26 ชั่วโมง | STALE: no successful customer sync for 26 hours";

/** Cloud Run: no in-process timer; Cloud Scheduler's OIDC call is the only thing that checks staleness. */
describe.skipIf(gate("Postgres", await postgresMissing()))("the staleness check called by Cloud Scheduler, timer off, on real Postgres", () => {
  let database: TestDatabase;
  let h: Harness;
  let server: RunningServer;
  const post = (authorization?: string) =>
    fetch(`${server.url}/v1/staleness-check`, { method: "POST", headers: authorization === undefined ? {} : { authorization } });

  beforeAll(async () => {
    database = await createTestDatabase("crm_sync_notifier_scheduler");
    h = await startHarness({ databaseUrl: database.url, staleCheckIntervalMs: null });
    server = await listen(h.notifier.app, 0);
    await h.db.sql`insert into crm_sync.runs (id, trigger, status, stage, finished_at)
      values ('run-last-good', 'schedule', 'succeeded', 'committing', ${new Date(h.clock.now.getTime() - 3_600_000)})`;
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
    await database?.drop();
  });

  it("refuses callers that are not the scheduler's account for the notifier's audience, and sends nothing", async () => {
    const refused = {
      none: (await post()).status,
      otherAccount: (await post(`Bearer ${schedulerToken({ email: "intruder@crm-sync-test.iam.gserviceaccount.com" })}`)).status,
      otherAudience: (await post(`Bearer ${schedulerToken({ aud: "https://trigger.example.test" })}`)).status,
    };
    expect(refused).toEqual({ none: 401, otherAccount: 403, otherAudience: 403 });
    expect(h.sink.received).toHaveLength(0);
  });

  it("sends the stale email exactly once when Scheduler's calls overlap, and not again on the next call", async () => {
    // A fresh check first, so the staleness state row exists and the overlapping calls below race
    // on it (the very first check is serialized by the row's insert alone).
    expect(await (await post(`Bearer ${schedulerToken()}`)).json()).toMatchObject({ stale: false, alert: null });
    await h.db.sql`update crm_sync.runs set finished_at = ${new Date(h.clock.now.getTime() - 48 * 3_600_000)} where id = 'run-last-good'`;
    // Open the pool first, so the calls really race instead of queueing on one fresh connection.
    await Promise.all(Array.from({ length: 4 }, () => h.db.sql`select pg_sleep(0.05)`));
    const calls = await Promise.all(Array.from({ length: 4 }, () => post(`Bearer ${schedulerToken()}`)));
    expect(calls.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const bodies = (await Promise.all(calls.map((r) => r.json()))) as Array<{ stale: boolean; alert: string | null; lastSuccessRunId: string }>;
    expect(bodies.every((b) => b.stale && b.lastSuccessRunId === "run-last-good")).toBe(true);
    expect(bodies.filter((b) => b.alert === "stale")).toHaveLength(1);
    await waitFor(() => h.sink.received.length >= 1, { what: "the stale email" });

    const again = await post(`Bearer ${schedulerToken()}`);
    expect(await again.json()).toMatchObject({ stale: true, alert: null });
    // The outbox is flushed inside each call: anything a duplicate had queued would be in the sink by now.
    expect((await h.sink.parsed()).map((m) => m.subject)).toEqual([STALE_SUBJECT]);
  });
});
