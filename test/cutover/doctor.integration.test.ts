import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, openDatabase, type Database } from "@crm-sync/db";
import { createTestDatabase, gate, postgresMissing, type TestDatabase } from "@crm-sync/testing";
import { exportCsv } from "../support/export-csv.ts";
import { cutoverExport, fillOldScriptTable, OLD_SCRIPT_TABLE } from "../support/old-script-table.ts";

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL("../../apps/cli/src/main.ts", import.meta.url));
const CUSTOMERS = 2000;

interface Report {
  ok: boolean;
  schema: { found: string; version: string | null };
  migrations: { applied: number; pending: string[] };
  rows: Record<string, number>;
  firstLoad?: { status: string; rows?: number; matched?: number; inserted?: number; removed?: number; code?: string };
  grants: Array<{ role: string; exists: boolean; readsCustomers: boolean }>;
  connection: { transactionPooler: boolean; preparedStatements: boolean };
  blockers: string[];
  warnings: string[];
}

async function doctor(args: string[]): Promise<{ code: number; report: Report; stderr: string }> {
  const result = await run(process.execPath, [MAIN, "doctor", "--json", ...args]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
  return { code: result.code, report: JSON.parse(result.stdout) as Report, stderr: result.stderr };
}

/** Everything a database holds, to prove doctor wrote nothing: relations and the customer rows. */
async function fingerprint(db: Database): Promise<string> {
  const relations = await db.sql`select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                                 where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') order by 1, 2`;
  const rows = await db.sql`select xmin::text, to_jsonb(c)::text from backoffice.customers c`.catch(() => []);
  return JSON.stringify([relations, rows]);
}

const yesterday = cutoverExport(CUSTOMERS);

describe.skipIf(gate("Postgres", await postgresMissing()))("crm-sync doctor on Postgres", () => {
  let dir: string;
  let file: string;
  const databases: TestDatabase[] = [];
  const open: Database[] = [];
  const database = async () => {
    const created = await createTestDatabase("crm_sync_doctor");
    databases.push(created);
    const db = await openDatabase(created.url, { max: 1 });
    open.push(db);
    return { url: created.url, db };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "crm-sync-doctor-"));
    file = join(dir, "export.csv");
    await writeFile(file, exportCsv(yesterday));
  });
  afterAll(async () => {
    await Promise.all(open.map((db) => db.close()));
    await Promise.all(databases.map((db) => db.drop()));
    await rm(dir, { recursive: true, force: true });
  });

  it("finds the old script's table and shows the first load matching every row, writing nothing", async () => {
    const { url, db } = await database();
    await db.sql.unsafe(OLD_SCRIPT_TABLE);
    await fillOldScriptTable(db.sql, yesterday, "old-script-20261205");
    const before = await fingerprint(db);
    const { code, report } = await doctor(["--database-url", url, "--file", file]);
    expect(code).toBe(0);
    expect(report.schema).toEqual({ found: "old-script", version: null, layout: "backoffice.customers" });
    expect(report.migrations.applied).toBe(0);
    expect(report.migrations.pending).toContain("20261206120000_customers_into_crm_sync.sql");
    expect(report.rows).toEqual({ "old script's rows": CUSTOMERS });
    expect(report.firstLoad).toMatchObject({ status: "ok", rows: CUSTOMERS, matched: CUSTOMERS, inserted: 0, removed: 0 });
    expect(report.blockers).toEqual([]);
    expect(await fingerprint(db)).toBe(before);
  });

  it("finds crm-sync's schema with its version after migration and a load, nothing pending", async () => {
    const { url, db } = await database();
    await db.sql.unsafe(OLD_SCRIPT_TABLE);
    await fillOldScriptTable(db.sql, yesterday, "old-script-20261205");
    const applied = await migrate(db);
    const { code, report } = await doctor(["--database-url", url, "--file", file]);
    expect(code).toBe(0);
    expect(report.schema).toMatchObject({ found: "crm-sync", version: applied.at(-1) });
    expect(report.migrations).toEqual({ applied: applied.length, pending: [], edited: [] });
    expect(report.rows).toEqual({ "active customers": CUSTOMERS, "soft-deleted": 0, "adopted, awaiting a first load": CUSTOMERS });
    expect(report.firstLoad).toMatchObject({ status: "ok", matched: CUSTOMERS, inserted: 0, removed: 0 });
    expect(report.grants.map((g) => [g.role, g.exists, g.readsCustomers])).toEqual([
      ["anon", true, false],
      ["authenticated", true, false],
      ["service_role", true, false],
    ]);
  });

  it("finds no schema on an empty database; every export row would be inserted", async () => {
    const { url, db } = await database();
    const before = await fingerprint(db);
    const { code, report } = await doctor(["--database-url", url, "--file", file]);
    expect(code).toBe(0);
    expect(report.schema.found).toBe("none");
    expect(report.firstLoad).toMatchObject({ status: "ok", matched: 0, inserted: CUSTOMERS, removed: 0 });
    expect(await fingerprint(db)).toBe(before);
  });

  it("exits 1 with a list when a view of the club's depends on the old table (the migration itself would stop on it)", async () => {
    const { url, db } = await database();
    await db.sql.unsafe(OLD_SCRIPT_TABLE);
    await fillOldScriptTable(db.sql, yesterday, "old-script-20261205");
    await db.sql`create view public.club_report as select count(*) from backoffice.customers`;
    const { code, report, stderr } = await doctor(["--database-url", url, "--file", file]);
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(report.blockers).toHaveLength(2);
    expect(report.blockers[0]).toContain("view club_report");
    // The dry run runs the pending migrations: the adoption's drop refuses the dependent view (2BP01).
    expect(report.blockers[1]).toContain("2BP01");
    expect(stderr).toContain("2 problem(s) would block a sync");
  });

  it("exits 1 when the first load would be held as a mass delete (an export of other customers)", async () => {
    const { url, db } = await database();
    await db.sql.unsafe(OLD_SCRIPT_TABLE);
    await fillOldScriptTable(db.sql, yesterday, "old-script-20261205");
    const stranger = join(dir, "stranger.csv");
    await writeFile(stranger, exportCsv(cutoverExport(CUSTOMERS * 2).slice(CUSTOMERS)));
    const { code, report } = await doctor(["--database-url", url, "--file", stranger]);
    expect(code).toBe(1);
    expect(report.firstLoad).toMatchObject({ status: "refused", code: "MASS_DELETE_HELD" });
    expect(report.blockers).toEqual([expect.stringContaining("MASS_DELETE_HELD")]);
  });

  it("exits 1 on a backoffice.customers that is neither the old script's nor crm-sync's", async () => {
    const { url, db } = await database();
    await db.sql.unsafe("create schema backoffice; create table backoffice.customers (id int primary key, phone text)");
    const { code, report } = await doctor(["--database-url", url]);
    expect(code).toBe(1);
    expect(report.schema.found).toBe("unknown");
    expect(report.blockers[0]).toContain("extra: phone");
  });

  it("reports the transaction pooler setting: prepared statements off behind ?pgbouncer=true", async () => {
    const { url } = await database();
    const direct = await doctor(["--database-url", url]);
    expect(direct.report.connection).toMatchObject({ transactionPooler: false, preparedStatements: true });
    const pooled = await doctor(["--database-url", `${url}?pgbouncer=true`]);
    expect(pooled.report.connection).toMatchObject({ transactionPooler: true, preparedStatements: false });
  });
});

describe("crm-sync doctor on PGlite", () => {
  it("finds the old script's table in a PGlite directory and dry-runs the first load", async () => {
    const dir = await mkdtemp(join(tmpdir(), "crm-sync-doctor-pglite-"));
    try {
      const url = `pglite://${join(dir, "db")}`;
      const db = await openDatabase(url);
      await db.sql.unsafe(OLD_SCRIPT_TABLE);
      await fillOldScriptTable(db.sql, yesterday.slice(0, 300), "old-script-20261205");
      await db.close();
      const file = join(dir, "export.csv");
      await writeFile(file, exportCsv(yesterday.slice(0, 300)));
      const { code, report } = await doctor(["--database-url", url, "--file", file]);
      expect(code).toBe(0);
      expect(report.schema.found).toBe("old-script");
      expect(report.firstLoad).toMatchObject({ status: "ok", matched: 300, inserted: 0, removed: 0 });
      const again = await openDatabase(url);
      try {
        const [holding] = await again.sql`select to_regnamespace('crm_sync') as crm_sync`;
        expect(holding?.["crm_sync"]).toBeNull();
      } finally {
        await again.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
