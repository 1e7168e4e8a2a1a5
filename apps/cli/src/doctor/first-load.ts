import { createReadStream } from "node:fs";
import type { Database, MigrationFile } from "@crm-sync/db";
import { toSyncError } from "@crm-sync/errors";
import type { Logger } from "@crm-sync/logging";

export type FirstLoad =
  | { status: "ok"; rows: number; matched: number; updated: number; unchanged: number; inserted: number; removed: number; revived: number; rejected: number }
  | { status: "refused"; code: string; message: string };

/**
 * The loader's own dry run of `file`, after the pending migrations, in one transaction that is
 * rolled back: what the first load would do (matched = customers already in the table, updated
 * or unchanged), with nothing written. A guard's refusal (a mass delete, too many bad rows) is
 * what the first load would meet too.
 */
export async function dryRunFirstLoad(db: Database, file: string, pending: readonly MigrationFile[], logger: Logger): Promise<FirstLoad> {
  const { loadExport } = await import("@crm-sync/loader/load");
  try {
    const result = await loadExport(
      { db, logger },
      {
        runId: "doctor-dry-run",
        openSource: async () => createReadStream(file),
        dryRun: true,
        ...(pending.length === 0 ? {} : { dryRunSetup: pending.map((migration) => migration.sql).join(";\n") }),
      },
    );
    const c = result.counts;
    return { status: "ok", rows: c.rows, matched: c.updated + c.unchanged, updated: c.updated, unchanged: c.unchanged, inserted: c.inserted, removed: c.softDeleted, revived: c.revived, rejected: c.rejected };
  } catch (error) {
    const failure = toSyncError(error);
    return { status: "refused", code: failure.code, message: failure.message };
  }
}
