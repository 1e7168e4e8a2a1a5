import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InMemoryBus } from "@crm-sync/bus";
import type { EventOf } from "@crm-sync/contracts";
import { migrate, openDatabase, type Database } from "@crm-sync/db";
import { createLogger } from "@crm-sync/logging";
import { listen, type RunningServer } from "@crm-sync/server";
import { createTestDatabase, gate, postgresMissing, type TestDatabase } from "@crm-sync/testing";
import { createTrigger, type Trigger } from "@crm-sync/trigger";
import { tally } from "../support/bounded-pool.ts";

const API_TOKEN = "load-test-api-token-0123456789";
const PRESSES = 100;

describe.skipIf(gate("Postgres", await postgresMissing()))("100 people press Update Customer Data at once (trigger on Postgres)", () => {
  let database: TestDatabase;
  let db: Database;
  let bus: InMemoryBus;
  let trigger: Trigger;
  let server: RunningServer;
  const requested: Array<EventOf<"sync-requested">> = [];

  beforeAll(async () => {
    const logger = createLogger({ service: "single-flight-load", level: "silent" });
    database = await createTestDatabase("crm_sync_load");
    db = await openDatabase(database.url);
    await migrate(db);
    bus = new InMemoryBus({ logger, backoff: { minMs: 5, maxMs: 20 } });
    // Stands in for the scraper's subscription: every sync-requested the bus carries.
    await bus.subscribe("sync-requested", "scraper.sync-requested", async ({ event }) => {
      requested.push(event);
      return "ack";
    });
    trigger = createTrigger({ db, bus, logger, auth: { apiTokens: [{ name: "load-test", role: "operator", token: API_TOKEN }] } });
    server = await listen(trigger.app, 0);
  });
  afterAll(async () => {
    await server?.close(500);
    await trigger?.close();
    await bus?.close();
    await db?.close();
    await database?.drop();
  });

  it("creates exactly one run, coalesces the other 99 onto it, and publishes one sync-requested", async ({ annotate }) => {
    const press = async () => {
      const response = await fetch(`${server.url}/v1/syncs`, {
        method: "POST",
        headers: { authorization: `Bearer ${API_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ trigger: "manual" }),
      });
      return { status: response.status, body: (await response.json()) as { run: { runId: string; status: string }; coalesced: boolean } };
    };
    // All at once, not pooled: the point is that they race.
    const answers = await Promise.all(Array.from({ length: PRESSES }, press));
    await bus.drain();
    const [created] = await db.sql<Array<{ n: number }>>`select count(*)::integer as n from crm_sync.runs`;
    await annotate(
      `${PRESSES} presses → ${answers.filter((a) => a.status === 202).length} answered 202; ${created?.n} run created, ` +
        `${answers.filter((a) => a.body.coalesced).length} coalesced; ${requested.length} sync-requested published`,
    );

    expect(tally(answers.map((a) => a.status))).toEqual({ "202": PRESSES });
    expect(tally(answers.map((a) => String(a.body.coalesced)))).toEqual({ false: 1, true: PRESSES - 1 });
    const runIds = new Set(answers.map((a) => a.body.run.runId));
    expect(runIds.size).toBe(1);
    const [runId] = [...runIds];

    const rows = await db.sql<Array<{ id: string; status: string }>>`select id, status from crm_sync.runs`;
    expect(rows).toEqual([{ id: runId, status: "queued" }]);
    expect(requested.map((event) => event.runId)).toEqual([runId]);
  });
});
