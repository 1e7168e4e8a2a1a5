import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrate, openDatabase, type Database } from "@crm-sync/db";
import { DATABASE_SESSION_SETTINGS, DEFAULT_GUARD_LIMITS, loadExport, type LoadResult } from "@crm-sync/loader/load";
import { createLogger } from "@crm-sync/logging";
import { createTestDatabase, gate, postgresMissing } from "@crm-sync/testing";
import { exportCsv, type ExportRow } from "../support/export-csv.ts";
import { cutoverExport, fillOldScriptTable, OLD_SCRIPT_TABLE } from "../support/old-script-table.ts";

const logger = createLogger({ service: "cutover-test", level: "silent" });
const CUSTOMERS = 3000;

async function load(db: Database, rows: readonly ExportRow[], runId: string, dryRun = false): Promise<LoadResult> {
  const bytes = exportCsv(rows);
  return await loadExport({ db, logger, limits: DEFAULT_GUARD_LIMITS }, { runId, openSource: async () => Readable.from([bytes]), dryRun });
}

/** What a plain reader sees: `select … from backoffice.customers`, amounts as numbers. */
async function plainRead(db: Database) {
  return await db.sql<Array<{ id: string; customer_name: string; contact_number: string | null; date_joined: string | null; available_point: number; batch_id: string }>>`
    select id::text, store, customer_name, contact_number, address, email, date_of_birth::text, date_joined::text,
           available_credit::float8 as available_credit, available_point::float8 as available_point, source, sms_pdpa, email_pdpa,
           batch_id, update_time
    from backoffice.customers c order by c.id`;
}

/** The export's customers as a plain reader should see them: name and the number exactly as exported. */
const expected = (rows: readonly ExportRow[]) => rows.map((r) => `${r.name.trim()}|${r.phone}`).sort();
const seen = async (db: Database) => (await plainRead(db)).map((r) => `${r.customer_name}|${r.contact_number}`).sort();

/** Every row of the table behind the view with its xmin: equal dumps mean nothing was written. */
async function dumpTable(db: Database): Promise<string> {
  return JSON.stringify(await db.sql`select xmin::text as xmin, to_jsonb(c)::text as row from crm_sync.customers c order by legacy_id`);
}

const BACKENDS = [
  {
    name: "Postgres",
    skip: gate("Postgres", await postgresMissing()),
    async open() {
      const created = await createTestDatabase("crm_sync_cutover");
      const db = await openDatabase(created.url, { connection: DATABASE_SESSION_SETTINGS });
      return { db, close: async () => (await db.close(), await created.drop()) };
    },
  },
  {
    name: "PGlite",
    skip: false,
    async open() {
      const db = await openDatabase("pglite://memory");
      return { db, close: () => db.close() };
    },
  },
];

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`taking over the old script's table on ${backend.name}`, () => {
    let db: Database;
    let close: () => Promise<void>;
    const yesterday = cutoverExport(CUSTOMERS);

    beforeEach(async () => {
      ({ db, close } = await backend.open());
      await db.sql.unsafe(OLD_SCRIPT_TABLE);
      await fillOldScriptTable(db.sql, yesterday, "old-script-20261205");
    });
    afterEach(async () => {
      await close();
    });

    it("adopts every row in place, matches each to its customer on the first load, then loads as usual", async () => {
      const oldRows = await plainRead(db);
      expect(oldRows).toHaveLength(CUSTOMERS);
      // The old way: zeros lost (0812345678 stored as 812345678, 000 as 0).
      expect(oldRows.filter((r) => r.contact_number?.startsWith("0") && r.contact_number !== "0")).toEqual([]);

      // Migrations: no error, no row lost; plain readers see exactly the old table until a load.
      await migrate(db);
      // A blank number (null in the old table) reads '' from here on: crm-sync stores a blank field as exported.
      expect(await plainRead(db)).toEqual(oldRows.map((r) => ({ ...r, contact_number: r.contact_number ?? "" })));
      expect(await db.sql`select update_time, batch_id, count(*)::int as n from backoffice.customers group by 1, 2`).toEqual([
        { update_time: new Date("2026-12-05T19:00:05Z"), batch_id: "old-script-20261205", n: CUSTOMERS },
      ]);

      // The first load as a dry run: every customer matched, nothing inserted or removed, nothing written.
      const before = await dumpTable(db);
      const dry = await load(db, yesterday, "cutover-dry", true);
      expect(dry.status).toBe("dry-run");
      expect(dry.counts).toMatchObject({ rows: CUSTOMERS, inserted: 0, softDeleted: 0, revived: 0, rejected: 0 });
      expect(dry.counts.updated + dry.counts.unchanged).toBe(CUSTOMERS);
      expect(await dumpTable(db)).toBe(before);

      // For real: the numbers come back as exported, ids stay, no duplicate and no hold.
      const first = await load(db, yesterday, "cutover-1");
      expect(first.counts).toEqual(dry.counts);
      // Every row whose stored number lost something is rewritten (so are rows the old script stored
      // another way, such as a blank email as '' where crm-sync stores null).
      const restored = yesterday.filter((r) => r.phone !== "" && r.phone !== r.phone.replace(/\D/g, "").replace(/^0+(?=\d)/, "")).length;
      expect(first.counts.updated).toBeGreaterThanOrEqual(restored);
      expect(await seen(db)).toEqual(expected(yesterday));
      const afterFirst = await plainRead(db);
      expect(afterFirst.map((r) => r.id)).toEqual(oldRows.map((r) => r.id));
      expect(afterFirst.map((r) => `${r.customer_name}|${r.date_joined}`)).toEqual(oldRows.map((r) => `${r.customer_name}|${r.date_joined}`));
      const [waiting] = await db.sql<{ n: number }[]>`select count(*)::int as n from crm_sync.customers where old_script_contact is not null`;
      expect(waiting?.n).toBe(0);
      // The old monitoring query: one group per run that last wrote rows, adding up to the export.
      const groups = await db.sql<{ update_time: Date; batch_id: string; count: string }[]>`
        select update_time, batch_id, count(*) from backoffice.customers group by 1, 2`;
      expect(groups.reduce((sum, g) => sum + Number(g.count), 0)).toBe(CUSTOMERS);
      expect(groups.find((g) => g.batch_id === "cutover-1")?.count).toBe(String(first.counts.updated));

      // A normal next night: 100 customers gone, 50 new, 20 with new points.
      const today = yesterday.slice(100).map((r, i) => (i < 20 ? { ...r, points: "999.99" } : r));
      today.push(...cutoverExport(CUSTOMERS + 50).slice(CUSTOMERS));
      const second = await load(db, today, "cutover-2");
      expect(second.counts).toEqual({ rows: CUSTOMERS - 50, inserted: 50, updated: 20, unchanged: CUSTOMERS - 120, softDeleted: 100, revived: 0, rejected: 0 });
      expect(await seen(db)).toEqual(expected(today));
      const [kept] = await db.sql<{ deleted: number; changes: number }[]>`
        select (select count(*)::int from crm_sync.customers where deleted_at is not null) as deleted,
               (select count(*)::int from crm_sync.customer_changes where run_id = 'cutover-2' and kind = 'soft_delete') as changes`;
      expect(kept).toEqual({ deleted: 100, changes: 100 });
      const newIds = (await plainRead(db)).filter((r) => r.batch_id === "cutover-2" && r.available_point !== 999.99).map((r) => Number(r.id));
      expect(Math.min(...newIds)).toBeGreaterThan(Math.max(...oldRows.map((r) => Number(r.id))));

      // The same export again writes nothing; returning customers are revived under their old id.
      const unchanged = await dumpTable(db);
      expect((await load(db, today, "cutover-3")).counts).toMatchObject({ inserted: 0, updated: 0, softDeleted: 0, revived: 0 });
      expect(await dumpTable(db)).toBe(unchanged);
      const back = [...today, ...yesterday.slice(0, 10)];
      expect((await load(db, back, "cutover-4")).counts).toMatchObject({ inserted: 0, revived: 10, softDeleted: 0 });
      expect(await seen(db)).toEqual(expected(back));
      const revivedIds = (await plainRead(db)).filter((r) => r.batch_id === "cutover-4").map((r) => r.id);
      expect(revivedIds).toEqual(oldRows.slice(0, 10).map((r) => r.id));
    });

    it("soft-deletes, within the guard, old rows the export no longer holds, and a copy the old table held twice", async () => {
      // The old job ran twice one night for the first customer.
      await fillOldScriptTable(db.sql, yesterday.slice(0, 1), "old-script-20261205");
      await migrate(db);
      const today = yesterday.slice(30);
      const result = await load(db, today, "cutover-1");
      expect(result.counts).toMatchObject({ rows: CUSTOMERS - 30, inserted: 0, softDeleted: 31, revived: 0, rejected: 0 });
      expect(await seen(db)).toEqual(expected(today));
      const [rows] = await db.sql<{ all: number }[]>`select count(*)::int as all from crm_sync.customers`;
      expect(rows?.all).toBe(CUSTOMERS + 1);
    });

    it("holds the first load as a mass delete when the export is another customer list", async () => {
      await migrate(db);
      const before = await dumpTable(db);
      const stranger = cutoverExport(CUSTOMERS * 2).slice(CUSTOMERS);
      await expect(load(db, stranger, "cutover-wrong")).rejects.toMatchObject({ code: "MASS_DELETE_HELD" });
      expect(await dumpTable(db)).toBe(before);
    });
  });
}
