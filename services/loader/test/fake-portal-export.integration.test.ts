import { buffer } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, openDatabase, type Database } from "@crm-sync/db";
import { customerCsvStream, generateCustomers, RECORD_KEYS } from "@crm-sync/fake-qashier";
import { DEFAULT_GUARD_LIMITS } from "../src/domain/guards.ts";
import { RepeatedKeys } from "../src/domain/repeated-keys.ts";
import { stageCustomer } from "../src/domain/staged-customer.ts";
import { startCsvReadyHarness, type CsvReadyHarness } from "./support/csv-ready-harness.ts";

const COUNT = 1_000;

/** Rows the loader rejects in one generated export: invalid ones, and every row of a key seen twice. */
function rejectedRows(seed: number): number {
  const keys = new Map<string, number>();
  let invalid = 0;
  let rowNo = 0;
  const repeated = new RepeatedKeys();
  for (const record of generateCustomers({ seed, count: COUNT })) {
    const staged = stageCustomer(
      RECORD_KEYS.map((key) => record[key]),
      ++rowNo,
      repeated,
    );
    if (!staged.ok) invalid++;
    else keys.set(staged.customer.customerKey, (keys.get(staged.customer.customerKey) ?? 0) + 1);
  }
  return invalid + [...keys.values()].filter((n) => n > 1).reduce((sum, n) => sum + n, 0);
}

describe("the fake portal's exports under the default limits", () => {
  it("stay within the 1% reject ratio for any seed (a number with and without its 0 is two customers)", () => {
    const worst = Math.max(...Array.from({ length: 30 }, (_, seed) => rejectedRows(seed + 1)));
    expect(worst / COUNT).toBeLessThanOrEqual(DEFAULT_GUARD_LIMITS.maxRejectRatio);
  });

  describe("loaded through csv-ready on PGlite", () => {
    let db: Database;
    let harness: CsvReadyHarness;

    beforeAll(async () => {
      db = await openDatabase("pglite://memory");
      await migrate(db);
      // No limits given: the loader's defaults, as `npm start` runs it.
      harness = await startCsvReadyHarness(db);
    });

    afterAll(async () => {
      await harness.close();
      await db.close();
    });

    it("completes a seeded 1,000-customer export with at most 1% rejected", async () => {
      const outcome = await harness.load("run-fake-portal", await buffer(customerCsvStream({ seed: 1, count: COUNT })));

      const rejected = rejectedRows(1);
      expect(rejected / COUNT).toBeLessThanOrEqual(0.01);
      expect(outcome).toMatchObject({
        type: "sync-completed",
        data: { counts: { rows: COUNT, inserted: COUNT - rejected, updated: 0, unchanged: 0, softDeleted: 0, revived: 0, rejected } },
      });
      const [table] = await db.sql<Array<{ n: number }>>`select count(*)::integer as n from crm_sync.customers where deleted_at is null`;
      expect(table?.n).toBe(COUNT - rejected);
    });
  });
});
