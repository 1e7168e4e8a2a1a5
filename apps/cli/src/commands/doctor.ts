import { access } from "node:fs/promises";
import { Command } from "commander";
import { SyncError } from "@crm-sync/errors";
import { createLogger } from "@crm-sync/logging";

interface DoctorOptions {
  databaseUrl: string;
  file?: string;
  json?: boolean;
}

/**
 * `crm-sync doctor`: a read-only preflight before the first sync (or any time). Exits 1 when
 * something would block a sync, listing it; 2 when the database cannot be reached.
 */
export function doctorCommand(): Command {
  return new Command("doctor")
    .description("Check a database before syncing (read only): schema found, pending migrations, rows, a dry run of the first load, API roles' grants, pooler mode")
    .requiredOption("--database-url <url>", "postgres://… or pglite://<dir> (default: DATABASE_URL)", process.env["DATABASE_URL"])
    .option("--file <export>", "an export CSV: dry-run the first load after the pending migrations")
    .option("--json", "print the report as JSON")
    .action(async (options: DoctorOptions) => {
      process.exitCode = await runDoctor(options);
    });
}

async function runDoctor(options: DoctorOptions): Promise<number> {
  const [{ migrationStatus, openDatabase }, { connectionMode }, { inspectSchema }, { inspectOldScriptTable }, { inspectRoleGrants }, { dryRunFirstLoad }, { judge, renderReport }] =
    await Promise.all([
      import("@crm-sync/db"),
      import("../doctor/connection-mode.ts"),
      import("../doctor/inspect-schema.ts"),
      import("../doctor/old-script-table.ts"),
      import("../doctor/role-grants.ts"),
      import("../doctor/first-load.ts"),
      import("../doctor/doctor-report.ts"),
    ]);
  if (options.file !== undefined) {
    try {
      await access(options.file);
    } catch (error) {
      throw new SyncError("BLOB_UNAVAILABLE", "The export file could not be opened.", { cause: error });
    }
  }
  const connection = connectionMode(options.databaseUrl);
  const logger = createLogger({ service: "cli", level: "warn", destination: process.stderr });
  const db = await openDatabase(options.databaseUrl, { logger, max: 1 });
  try {
    const schema = await inspectSchema(db);
    const status = await migrationStatus(db);
    const [server] = await db.sql<{ num: number; version: string }[]>`
      select current_setting('server_version_num')::int as num, current_setting('server_version') as version`;
    const rows: Record<string, number> = {};
    let oldScript;
    if (schema.kind === "old-script") {
      oldScript = await inspectOldScriptTable(db, schema.table);
      rows["old script's rows"] = oldScript.rows;
    } else if (schema.kind === "crm-sync") {
      const table = schema.layout === "view" ? "crm_sync.customers" : "backoffice.customers";
      const [counts] = await db.sql<{ active: number; deleted: number; waiting: number }[]>`
        select count(*) filter (where deleted_at is null)::int as active, count(*) filter (where deleted_at is not null)::int as deleted,
               ${schema.layout === "view" ? db.sql`count(*) filter (where old_script_contact is not null)::int` : db.sql`0`} as waiting
        from ${db.sql(table)}`;
      rows["active customers"] = counts?.active ?? 0;
      rows["soft-deleted"] = counts?.deleted ?? 0;
      if ((counts?.waiting ?? 0) > 0) rows["adopted, awaiting a first load"] = counts?.waiting ?? 0;
    }
    const firstLoad = options.file === undefined || schema.kind === "unknown" ? undefined : await dryRunFirstLoad(db, options.file, status.pending, logger);
    const report = judge({
      schema,
      applied: status.applied,
      pending: status.pending.map((file) => file.name),
      edited: status.edited,
      rows,
      ...(oldScript === undefined ? {} : { oldScript }),
      ...(firstLoad === undefined ? {} : { firstLoad }),
      grants: await inspectRoleGrants(db),
      connection,
      serverVersionNum: server?.num ?? 0,
      serverVersion: server?.version ?? "unknown",
    });
    process.stdout.write(options.json === true ? `${JSON.stringify(report)}\n` : renderReport(report));
    if (!report.ok) process.stderr.write(`doctor: ${report.blockers.length} problem(s) would block a sync\n`);
    return report.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}
