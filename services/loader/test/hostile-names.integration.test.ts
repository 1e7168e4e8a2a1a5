import { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "@crm-sync/db";
import { DEFAULT_GUARD_LIMITS } from "../src/domain/guards.ts";
import { loadExport } from "../src/load-export.ts";
import { BACKENDS, customers, dumpCustomers } from "./support/backends.ts";
import { capturedLogs } from "./support/captured-logs.ts";
import { randomText, SCRIPTS } from "./support/hostile-text.ts";
import { exportCsv, syntheticCustomer, type ExportedCustomer } from "./support/synthetic-export.ts";

const letters = (length: number, seed: number) => randomText(length, ...SCRIPTS.letters, seed);

const ROWS = 3008;
const HOSTILE_ROW = 1234;

/** The cases: each made a real daily export fail as a whole with DB_ERROR (SQLSTATE 54000), every day. */
const CASES: Array<{ title: string; hostile: (c: ExportedCustomer) => ExportedCustomer; column: string }> = [
  { title: "a name of 3,990 random letters", hostile: (c) => ({ ...c, name: letters(3990, 1) }), column: "Customer" },
  { title: "a name of 1,500 CJK characters", hostile: (c) => ({ ...c, name: randomText(1500, ...SCRIPTS.cjk, 2) }), column: "Customer" },
  {
    title: "a usable number followed by 1,200 wide characters",
    hostile: (c) => ({ ...c, phone: `${c.phone}${randomText(1200, ...SCRIPTS.wide, 3)}` }),
    column: "Contact Number",
  },
];

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`customers too long for an index, in ${backend.name}`, () => {
    // One database for the suite (PGlite takes seconds to open), emptied before each test.
    let db: Database;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ db, close } = await backend.open());
    });
    beforeEach(async () => {
      await db.sql`truncate crm_sync.customers, crm_sync.customer_changes, crm_sync.processed_messages`;
    });
    afterAll(async () => {
      await close();
    });

    for (const { title, hostile, column } of CASES) {
      it(`loads ${ROWS} rows with ${title} as one rejected row naming row, column and code, and does so again the next day`, async () => {
        const exported = Array.from({ length: ROWS }, (_, i) => (i === HOSTILE_ROW - 1 ? hostile(syntheticCustomer(i)) : syntheticCustomer(i)));
        const bytes = exportCsv(exported);
        const rejected = { row: HOSTILE_ROW, column, code: "TOO_LONG_FOR_INDEX" };
        for (const day of ["day-1", "day-2"]) {
          const { logger, lines, records } = capturedLogs();
          const result = await loadExport(
            { db, logger, limits: DEFAULT_GUARD_LIMITS },
            { runId: `${backend.name}-${title}-${day}`, openSource: async () => Readable.from([bytes]) },
          );
          expect(result).toMatchObject({
            status: "loaded",
            counts: { rows: ROWS, rejected: 1, ...(day === "day-1" ? { inserted: ROWS - 1, unchanged: 0 } : { inserted: 0, unchanged: ROWS - 1 }) },
            rejects: { reasons: [{ column, code: "TOO_LONG_FOR_INDEX", count: 1 }], rows: [rejected] },
          });
          // The operator's log names the row, column and code; no line carries the value.
          expect(records()).toContainEqual(expect.objectContaining({ severity: "WARNING", message: "row rejected", row: HOSTILE_ROW, column, reason: "TOO_LONG_FOR_INDEX" }));
          const value = column === "Customer" ? exported[HOSTILE_ROW - 1]!.name : exported[HOSTILE_ROW - 1]!.phone;
          expect(lines.some((line) => line.includes(value.slice(-40)))).toBe(false);
        }
        const rows = await customers(db);
        expect(rows).toHaveLength(ROWS - 1);
        expect(rows.some((r) => r.customer_name === exported[HOSTILE_ROW - 1]!.name)).toBe(false);
      });
    }

    it("keeps a customer whose name grows too long, rather than soft-deleting them", async () => {
      const exported = Array.from({ length: 200 }, (_, i) => syntheticCustomer(i));
      await loadExport({ db, logger: capturedLogs().logger }, { runId: "grow-1", openSource: async () => Readable.from([exportCsv(exported)]) });
      const before = await dumpCustomers(db);
      exported[10] = { ...exported[10]!, name: letters(3990, 4) };
      const result = await loadExport({ db, logger: capturedLogs().logger }, { runId: "grow-2", openSource: async () => Readable.from([exportCsv(exported)]) });
      expect(result.counts).toEqual({ rows: 200, inserted: 0, updated: 0, unchanged: 199, softDeleted: 0, revived: 0, rejected: 1 });
      expect(result.rejects.rows).toEqual([{ row: 11, column: "Customer", code: "TOO_LONG_FOR_INDEX" }]);
      expect(await dumpCustomers(db)).toBe(before);
    });
  });
}
