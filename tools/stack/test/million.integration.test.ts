import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@crm-sync/db";
import { chromiumMissing, gate, postgresMissing, pubsubEmulatorMissing } from "@crm-sync/testing";
import { createTriggerClient } from "@crm-sync/trigger-client";
import { startStack, type RunningStack } from "../src/start-stack.ts";
import { oracleOfRun, tableDigest } from "./support/export-oracle.ts";

const MILLION = 1_000_000;
// The loader streams: its memory must not grow with the file. Generous against noise, far below
// what holding a million rows would take (the export alone is ~110 MB of text). Time targets
// live in `npm run bench`, not here.
const LOADER_PEAK_RSS_MB = 400;
const skip =
  gate("Pub/Sub emulator", pubsubEmulatorMissing()) || gate("PostgreSQL", await postgresMissing()) || gate("Chromium", chromiumMissing());

describe.skipIf(skip)("a 1,000,000-customer export end to end on the multi-process stack", () => {
  let stack: RunningStack;
  let db: Database;

  beforeAll(async () => {
    stack = await startStack({ customers: MILLION });
    db = await openDatabase(stack.info.databaseUrl, { max: 1 });
  });
  afterAll(async () => {
    await db?.close();
    await stack?.stop();
  });

  it("scrapes, stores and loads every customer exactly as exported, with the loader's memory flat", { timeout: 600_000 }, async ({ annotate }) => {
    const client = createTriggerClient({ baseUrl: stack.info.apiUrl, token: stack.info.apiToken });
    const { run } = await client.requestSync();
    const finished = await client.waitForRun(run.runId, { intervalMs: 1_000, timeoutMs: 540_000 });
    expect(finished).toMatchObject({ status: "succeeded", counts: { rows: MILLION, rejected: expect.any(Number) } });
    const counts = finished.counts!;
    // The seeded generator has a few exact duplicate numbers (both rows rejected), far under 1%.
    expect(counts.rejected).toBeLessThan(MILLION * 0.001);
    const loaderPeak = await stack.peakRssMb("loader");
    const scraperPeak = await stack.peakRssMb("scraper");
    // What the table must hold, computed by the test from the export the scraper stored (its own
    // CSV reading and identity rule, none of the loader's code), against the table read back
    // column by column; both reduced to the same order-free digest.
    const oracleStarted = Date.now();
    const [oracle, table] = await Promise.all([oracleOfRun(stack.gcs.url, run.runId), tableDigest(db)]);
    const checkSeconds = (Date.now() - oracleStarted) / 1000;
    const same = table.active === oracle.active && table.digest === oracle.digest;
    process.stderr.write(`[1M e2e] loader peak RSS ${loaderPeak.toFixed(0)} MB, scraper ${scraperPeak.toFixed(0)} MB, run ${finished.durationMs} ms, oracle check ${checkSeconds.toFixed(1)} s\n`);
    await annotate(
      `run ${finished.status} in ${((finished.durationMs ?? 0) / 1000).toFixed(1)} s; rows ${counts.rows}, inserted ${counts.inserted}, rejected ${counts.rejected}; ` +
        `the stored export as the test reads it: ${oracle.records} records, ${oracle.duplicates} with a duplicate key, ${oracle.active} customers; ` +
        `the table: ${table.active} active, every column ${same ? "equal to" : "NOT equal to"} the export's (checked in ${checkSeconds.toFixed(1)} s); ` +
        `loader peak RSS ${loaderPeak.toFixed(0)} MB (limit ${LOADER_PEAK_RSS_MB}), scraper ${scraperPeak.toFixed(0)} MB`,
    );
    expect(oracle.records).toBe(MILLION);
    expect(counts).toMatchObject({ rows: oracle.records, rejected: oracle.duplicates, inserted: oracle.active });
    expect(table).toEqual({ active: oracle.active, digest: oracle.digest });
    expect(loaderPeak).toBeLessThan(LOADER_PEAK_RSS_MB);
  });
});
