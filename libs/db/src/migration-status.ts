import { DEFAULT_MIGRATIONS_DIR, readMigrationFiles, type MigrationFile } from "./migration-files.ts";
import type { Database } from "./types.ts";

export interface MigrationStatus {
  /** Names recorded by `migrate` or by `supabase db push` (its ledger), in name order. */
  applied: string[];
  /** Files `migrate` would apply, in the order it would apply them. */
  pending: MigrationFile[];
  /** Applied files whose text changed since: `migrate` refuses to run. */
  edited: string[];
}

/**
 * What `migrate` would do, read only (it creates nothing: crm-sync doctor calls it on a database
 * crm-sync has never touched). The same rules as migrate: a file counts as applied when
 * crm_sync.schema_migrations records it or supabase's ledger lists its version.
 */
export async function migrationStatus(db: Database, dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationStatus> {
  const files = await readMigrationFiles(dir);
  const [ledgers] = await db.sql<{ ours: boolean; supabase: boolean }[]>`
    select to_regclass('crm_sync.schema_migrations') is not null as ours,
           to_regclass('supabase_migrations.schema_migrations') is not null as supabase`;
  const recorded = new Map<string, string>();
  if (ledgers?.ours === true) {
    for (const row of await db.sql<{ name: string; sha256: string }[]>`select name, sha256 from crm_sync.schema_migrations`) {
      recorded.set(row.name, row.sha256);
    }
  }
  const pushed = new Set<string>();
  if (ledgers?.supabase === true) {
    for (const row of await db.sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations`) pushed.add(row.version);
  }
  const isApplied = (file: MigrationFile) => recorded.has(file.name) || pushed.has(file.name.split("_")[0] ?? "");
  return {
    applied: files.filter(isApplied).map((file) => file.name),
    pending: files.filter((file) => !isApplied(file)),
    edited: files.filter((file) => recorded.has(file.name) && recorded.get(file.name) !== file.sha256).map((file) => file.name),
  };
}
