import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, gate, postgresMissing, type TestDatabase } from "@crm-sync/testing";
import { StartResponse } from "@crm-sync/trigger-client";
import { startTrigger, type RunningTrigger } from "./support/start-trigger.ts";

describe.skipIf(gate("Postgres", await postgresMissing()))("single-flight on real Postgres", () => {
  let database: TestDatabase;
  let t: RunningTrigger;
  const requested: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase("crm_sync_trigger");
    t = await startTrigger({ databaseUrl: database.url });
    await t.bus.subscribe("sync-requested", "test-scraper.sync-requested", async ({ event }) => {
      requested.push(event.runId);
      return "ack";
    });
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it("turns 20 concurrent presses into exactly one run and one sync-requested", async () => {
    // Open the whole pool first: on fresh lazy connections the first one would serve every
    // request in turn before the others finish connecting, and the race would never happen.
    await Promise.all(Array.from({ length: 10 }, () => t.db.sql`select pg_sleep(0.05)`));
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => t.api("/v1/syncs", { method: "POST", body: JSON.stringify({ requestedBy: "load-test" }) })),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(202));
    const bodies = await Promise.all(responses.map(async (response) => StartResponse.parse(await response.json())));
    const runIds = new Set(bodies.map((body) => body.run.runId));
    expect(runIds.size).toBe(1);
    expect(bodies.filter((body) => !body.coalesced)).toHaveLength(1);

    await t.drain();
    const rows = await t.db.sql<{ id: string }[]>`select id from crm_sync.runs`;
    expect(rows.map((row) => row.id)).toEqual([...runIds]);
    expect(requested).toEqual([...runIds]);
  });
});
