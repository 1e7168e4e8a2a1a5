import type { TransactionSql } from "postgres";
import { SyncError, isSyncError } from "@crm-sync/errors";
import type { Logger } from "@crm-sync/logging";
import type { Database } from "./types.ts";
import { DEFAULT_MIGRATIONS_DIR, readMigrationFiles, type MigrationFile } from "./migration-files.ts";
import { toDbError } from "./db-errors.ts";

export interface MigrateOptions {
  /** Folder of `*.sql` files (default: the repository's supabase/migrations). */
  dir?: string;
  logger?: Logger;
}

/**
 * Applies pending migration files in name order and returns their names (empty when none).
 *
 * Each file runs in its own transaction that first takes an advisory lock, re-reads what is
 * applied, applies the next pending file and records it. Two services starting together so
 * take turns file by file and never apply one twice. The lock is transaction-scoped
 * (`pg_advisory_xact_lock`) rather than session-scoped because behind Supabase's transaction
 * pooler consecutive statements of one client may run on different server sessions.
 */
export async function migrate(db: Database, options: MigrateOptions = {}): Promise<string[]> {
  const files = await readMigrationFiles(options.dir ?? DEFAULT_MIGRATIONS_DIR);
  const applied: string[] = [];
  try {
    if (await allRecorded(db, files)) return applied;
    for (;;) {
      const next = await db.sql.begin(async (tx) => {
        if (db.transactionSettings !== "") await tx.unsafe(db.transactionSettings);
        return await applyNext(tx, files);
      });
      if (next === undefined) return applied;
      applied.push(next.name);
      options.logger?.info({ migration: next.name, sha256: next.sha256 }, "applied migration");
    }
  } catch (error) {
    throw isSyncError(error) ? error : toDbError(error);
  }
}

/**
 * Whether this ledger already records every file, unchanged: then there is nothing to apply, and
 * the check costs two reads instead of a transaction with a lock and DDL. Every service start and
 * every `crm-sync load` asks, and nearly always the answer is yes. Anything else (a pending file,
 * an edited one, files only supabase's ledger lists, no ledger yet) takes the locked path below,
 * which decides as before.
 */
async function allRecorded(db: Database, files: MigrationFile[]): Promise<boolean> {
  const [ledger] = await db.sql<{ exists: boolean }[]>`select to_regclass('crm_sync.schema_migrations') is not null as exists`;
  if (ledger?.exists !== true) return false;
  const rows = await db.sql<{ name: string; sha256: string }[]>`select name, sha256 from crm_sync.schema_migrations`;
  const recorded = new Map(rows.map((row) => [row.name, row.sha256]));
  return files.every((file) => recorded.get(file.name) === file.sha256);
}

/** Under the lock: checks applied files are unchanged, applies the first pending one if any. */
async function applyNext(tx: TransactionSql, files: MigrationFile[]): Promise<MigrationFile | undefined> {
  await tx`select pg_advisory_xact_lock(hashtext('crm_sync.migrate'))`;
  // Created under the lock: concurrent `create … if not exists` can still collide in the catalog.
  await tx.unsafe(`
    create schema if not exists crm_sync;
    create table if not exists crm_sync.schema_migrations (
      name text primary key,
      sha256 text not null,
      applied_at timestamptz not null default now()
    );
  `);
  const rows = await tx<{ name: string; sha256: string }[]>`select name, sha256 from crm_sync.schema_migrations`;
  const recorded = new Map(rows.map((row) => [row.name, row.sha256]));
  for (const file of files) {
    const sha256 = recorded.get(file.name);
    if (sha256 !== undefined && sha256 !== file.sha256) {
      throw new SyncError(
        "DB_ERROR",
        `Migration ${file.name} was changed after it was applied; add a new migration instead of editing it.`,
      );
    }
  }
  for (const file of await pushedBySupabase(tx, files, recorded)) {
    await tx`insert into crm_sync.schema_migrations (name, sha256) values (${file.name}, ${file.sha256})`;
    recorded.set(file.name, file.sha256);
  }
  const next = files.find((file) => !recorded.has(file.name));
  if (next === undefined) return undefined;
  await tx.unsafe(next.sql);
  await tx`insert into crm_sync.schema_migrations (name, sha256) values (${next.name}, ${next.sha256})`;
  return next;
}

/**
 * Files `supabase db push` already applied (its ledger, supabase_migrations.schema_migrations,
 * lists each by the version before the name's first `_`) and this ledger does not know yet. They
 * are recorded, not run again: an older file run over a newer schema may no longer fit it (the
 * initial schema's indexes on backoffice.customers, once that is a view).
 */
async function pushedBySupabase(tx: TransactionSql, files: MigrationFile[], recorded: Map<string, string>): Promise<MigrationFile[]> {
  const pending = files.filter((file) => !recorded.has(file.name));
  if (pending.length === 0) return [];
  const [ledger] = await tx<{ exists: boolean }[]>`select to_regclass('supabase_migrations.schema_migrations') is not null as exists`;
  if (ledger?.exists !== true) return [];
  const rows = await tx<{ version: string }[]>`select version from supabase_migrations.schema_migrations`;
  const versions = new Set(rows.map((row) => row.version));
  return pending.filter((file) => versions.has(file.name.split("_")[0] ?? ""));
}
