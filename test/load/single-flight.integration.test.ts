import type { IncomingMessage, ServerResponse } from "node:http";
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
// The race this test is about only happens if presses are inside the trigger together: at
// least this many must have been in flight at the server at one moment.
const MIN_OVERLAP = 10;

/** When each request arrived at the server and when its answer was sent (hrtime, ns). */
interface Handled {
  arrived: bigint;
  answered: bigint | undefined;
}

describe.skipIf(gate("Postgres", await postgresMissing()))("100 people press Update Customer Data at once (trigger on Postgres)", () => {
  let database: TestDatabase;
  let db: Database;
  let bus: InMemoryBus;
  let trigger: Trigger;
  let server: RunningServer;
  const requested: Array<EventOf<"scrape-requested">> = [];
  const handled: Handled[] = [];

  beforeAll(async () => {
    const logger = createLogger({ service: "single-flight-load", level: "silent" });
    database = await createTestDatabase("crm_sync_load");
    db = await openDatabase(database.url);
    await migrate(db);
    bus = new InMemoryBus({ logger, backoff: { minMs: 5, maxMs: 20 } });
    // Stands in for the scraper's subscription: every run the ledger handed over.
    await bus.subscribe("scrape-requested", "scraper.scrape-requested", async ({ event }) => {
      requested.push(event);
      return "ack";
    });
    trigger = createTrigger({ db, bus, logger, auth: { apiTokens: [{ name: "load-test", role: "operator", token: API_TOKEN }] } });
    server = await listen(trigger.app, 0);
    // Beside express's own listener: sees every request arrive and its answer leave.
    server.server.on("request", (_req: IncomingMessage, res: ServerResponse) => {
      const entry: Handled = { arrived: process.hrtime.bigint(), answered: undefined };
      handled.push(entry);
      res.once("finish", () => (entry.answered = process.hrtime.bigint()));
    });
  });
  afterAll(async () => {
    await server?.close(500);
    await trigger?.close();
    await bus?.close();
    await db?.close();
    await database?.drop();
  });

  it("creates exactly one run, joins the other 99 presses to it (each with its own record), and publishes one scrape-requested", async ({ annotate }) => {
    const press = async () => {
      const response = await fetch(`${server.url}/v1/syncs`, {
        method: "POST",
        headers: { authorization: `Bearer ${API_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ trigger: "manual" }),
      });
      return { status: response.status, body: (await response.json()) as { run: { runId: string; status: string }; coalesced: boolean; requestId: string } };
    };
    // All at once, not pooled: the point is that they race.
    const answers = await Promise.all(Array.from({ length: PRESSES }, press));
    await bus.drain();
    const [created] = await db.sql<Array<{ n: number }>>`select count(*)::integer as n from crm_sync.runs where served_by is null`;
    const overlap = overlapOf(handled);
    await annotate(
      `${PRESSES} presses → ${answers.filter((a) => a.status === 202).length} answered 202; ${created?.n} run created, ` +
        `${answers.filter((a) => a.body.coalesced).length} joined it; ${requested.length} scrape-requested published; ` +
        `at the server ${overlap.peak} presses in flight at once at the peak, ${overlap.beforeFirstAnswer} arrived before the first answer left ` +
        `(arrivals spread over ${overlap.arrivalSpreadMs.toFixed(1)} ms, answers over ${overlap.answerSpreadMs.toFixed(1)} ms)`,
    );

    expect(handled.length).toBe(PRESSES);
    expect(overlap.peak).toBeGreaterThanOrEqual(MIN_OVERLAP);

    expect(tally(answers.map((a) => a.status))).toEqual({ "202": PRESSES });
    expect(tally(answers.map((a) => String(a.body.coalesced)))).toEqual({ false: 1, true: PRESSES - 1 });
    const runIds = new Set(answers.map((a) => a.body.run.runId));
    expect(runIds.size).toBe(1);
    const [runId] = [...runIds];

    const rows = await db.sql<Array<{ id: string; status: string; served_by: string | null }>>`select id, status, served_by from crm_sync.runs`;
    expect(rows.filter((row) => row.served_by === null)).toEqual([{ id: runId, status: "queued", served_by: null }]);
    // Every press has its own record: the 99 that joined name the one run and show its state.
    const joined = rows.filter((row) => row.served_by !== null);
    expect(tally(joined.map((row) => `${row.served_by}:${row.status}`))).toEqual({ [`${runId}:queued`]: PRESSES - 1 });
    expect(new Set(answers.map((a) => a.body.requestId))).toEqual(new Set(rows.map((row) => row.id)));
    expect(requested.map((event) => event.runId)).toEqual([runId]);
  });
});

/** How much the handled requests overlapped: the most in flight at once, and how many arrived before any was answered. */
function overlapOf(handled: readonly Handled[]) {
  const events = handled.flatMap((entry) => [
    { at: entry.arrived, delta: 1 },
    ...(entry.answered === undefined ? [] : [{ at: entry.answered, delta: -1 }]),
  ]);
  // At equal instants the answer goes first, so touching intervals do not count as overlapping.
  events.sort((a, b) => (a.at === b.at ? a.delta - b.delta : a.at < b.at ? -1 : 1));
  let inFlight = 0;
  let peak = 0;
  for (const event of events) {
    inFlight += event.delta;
    peak = Math.max(peak, inFlight);
  }
  const arrivals = handled.map((entry) => entry.arrived);
  const answers = handled.flatMap((entry) => (entry.answered === undefined ? [] : [entry.answered]));
  const min = (values: bigint[]) => values.reduce((a, b) => (b < a ? b : a));
  const max = (values: bigint[]) => values.reduce((a, b) => (b > a ? b : a));
  const firstAnswer = min(answers);
  const ms = (ns: bigint) => Number(ns) / 1e6;
  return {
    peak,
    beforeFirstAnswer: arrivals.filter((at) => at < firstAnswer).length,
    arrivalSpreadMs: ms(max(arrivals) - min(arrivals)),
    answerSpreadMs: ms(max(answers) - firstAnswer),
  };
}
