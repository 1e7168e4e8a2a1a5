import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "@crm-sync/db";
import { BACKENDS, loadBytes } from "./support/backends.ts";
import { exportCsv, syntheticCustomer, type ExportedCustomer } from "./support/synthetic-export.ts";

const base = (count: number): ExportedCustomer[] => Array.from({ length: count }, (_, i) => syntheticCustomer(i));

/** What the dashboard's run page reads (issue 28): each run's rejected rows, a held run's would-be removals. */
for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`the loader keeps what a run page shows, on ${backend.name}`, () => {
    let db: Database;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ db, close } = await backend.open());
    });
    afterEach(async () => {
      await close();
    });

    const rejectsOf = (runId: string) =>
      db.sql`select row_no, column_name, reason from crm_sync.run_rejects where run_id = ${runId} order by seq`.then((rows) => rows.map((r) => ({ ...r })));
    const removalsOf = (runId: string) =>
      db.sql<{ name: string }[]>`
        select c.customer_name as name from crm_sync.held_removals h join crm_sync.customers c on c.id = h.customer_id
        where h.run_id = ${runId} order by c.customer_name`.then((rows) => rows.map((r) => r.name));

    it("records a loaded run's rejected rows with the load (row, column, reason; no value)", async () => {
      const rows = base(30);
      rows[4] = { ...rows[4]!, joined: "31/02/2022" };
      await loadBytes(db, exportCsv(rows), { runId: "run-rejects" });
      expect(await rejectsOf("run-rejects")).toEqual([{ row_no: 5, column_name: "Date Joined", reason: "NOT_A_DATE" }]);
      const stored = JSON.stringify(await db.sql`select * from crm_sync.run_rejects`);
      expect(stored).not.toContain("31/02/2022");
    });

    it("records the rejected rows of a load refused for too many of them, although nothing else is written", async () => {
      const rows = base(30).map((c, i) => (i < 3 ? { ...c, birth: "99/99/2022" } : c));
      await expect(loadBytes(db, exportCsv(rows), { runId: "run-too-many", limits: { maxRejectRatio: 0.01, maxDeleteRatio: 0.1 } })).rejects.toMatchObject({
        code: "REJECT_RATIO_EXCEEDED",
      });
      expect((await rejectsOf("run-too-many")).map((r) => r["row_no"])).toEqual([1, 2, 3]);
      expect(await db.sql`select 1 from crm_sync.customers`).toHaveLength(0);
    });

    it("records which customers a held run would remove, and the approved attempt replaces its rejects", async () => {
      await loadBytes(db, exportCsv(base(40)), { runId: "run-first" });
      const shrunk = exportCsv(base(30));
      await expect(loadBytes(db, shrunk, { runId: "run-held" })).rejects.toMatchObject({ code: "MASS_DELETE_HELD" });
      expect(await removalsOf("run-held")).toEqual(Array.from({ length: 10 }, (_, i) => `Member ${30 + i} Example`).sort());
      expect(await db.sql`select 1 from crm_sync.customers where deleted_at is not null`).toHaveLength(0);
      await loadBytes(db, shrunk, { runId: "run-held", allowMassDelete: true });
      expect(await rejectsOf("run-held")).toEqual([]);
    });

    it("writes nothing for a dry run, loaded or refused", async () => {
      const rows = base(30);
      rows[0] = { ...rows[0]!, joined: "31/02/2022" };
      await loadBytes(db, exportCsv(rows), { runId: "run-dry", dryRun: true });
      const refused = rows.map((c, i) => (i < 3 ? { ...c, birth: "99/99/2022" } : c));
      await expect(loadBytes(db, exportCsv(refused), { runId: "run-dry-refused", dryRun: true, limits: { maxRejectRatio: 0.01, maxDeleteRatio: 0.1 } })).rejects.toMatchObject({
        code: "REJECT_RATIO_EXCEEDED",
      });
      expect(await db.sql`select run_id from crm_sync.run_rejects`).toHaveLength(0);
    });
  });
}
