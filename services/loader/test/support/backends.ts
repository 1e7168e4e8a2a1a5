import { Readable } from "node:stream";
import { migrate, openDatabase, type Database } from "@crm-sync/db";
import { createLogger } from "@crm-sync/logging";
import { createTestDatabase, gate, postgresMissing } from "@crm-sync/testing";
import { DATABASE_SESSION_SETTINGS } from "../../src/database-settings.ts";
import type { GuardLimits } from "../../src/domain/guards.ts";
import { loadExport, type LoadDeps, type LoadResult } from "../../src/load-export.ts";

export interface Backend {
  name: "Postgres" | "PGlite";
  skip: boolean;
  /** A fresh, migrated database; `close` removes it. */
  open(): Promise<{ db: Database; close(): Promise<void> }>;
}

export const BACKENDS: Backend[] = [
  {
    name: "Postgres",
    skip: gate("Postgres", await postgresMissing()),
    async open() {
      const created = await createTestDatabase("crm_sync_loader");
      const db = await openDatabase(created.url, { connection: DATABASE_SESSION_SETTINGS });
      await migrate(db);
      return {
        db,
        async close() {
          await db.close();
          await created.drop();
        },
      };
    },
  },
  {
    name: "PGlite",
    skip: false,
    async open() {
      const db = await openDatabase("pglite://memory");
      await migrate(db);
      return { db, close: () => db.close() };
    },
  },
];

export const silentLogger = createLogger({ service: "loader-test", level: "silent" });

/** For small test files that reject a row or two on purpose (1 of 30 is already over 1%). */
export const LENIENT: GuardLimits = { maxRejectRatio: 0.2, maxDeleteRatio: 0.1 };

let sequence = 0;
export function nextRunId(): string {
  return `test-run-${process.pid}-${++sequence}`;
}

export async function loadBytes(
  db: Database,
  bytes: Buffer,
  options: { limits?: GuardLimits; allowMassDelete?: boolean; runId?: string; beforeCommit?: LoadDeps["beforeCommit"]; dryRun?: boolean } = {},
): Promise<LoadResult> {
  return await loadExport(
    {
      db,
      logger: silentLogger,
      limits: options.limits ?? LENIENT,
      ...(options.beforeCommit === undefined ? {} : { beforeCommit: options.beforeCommit }),
    },
    {
      runId: options.runId ?? nextRunId(),
      openSource: async () => Readable.from([bytes]),
      allowMassDelete: options.allowMassDelete ?? false,
      dryRun: options.dryRun ?? false,
    },
  );
}

/**
 * Every customer row with its xmin, in id order: equal dumps mean the table is byte-for-byte
 * the same and no row was even rewritten with the same values.
 */
export async function dumpCustomers(db: Database): Promise<string> {
  const rows = await db.sql`select xmin::text as xmin, to_jsonb(c)::text as row from crm_sync.customers c order by id`;
  return JSON.stringify(rows);
}

export interface CustomerView {
  id: string;
  customer_name: string;
  contact_number: string;
  customer_key: string;
  phone_normalized: string | null;
  deleted_at: Date | null;
  batch_id: string | null;
  available_point: string | null;
  date_joined: string | null;
}

export async function customers(db: Database): Promise<CustomerView[]> {
  return await db.sql<CustomerView[]>`
    select id::text, customer_name, contact_number, customer_key, phone_normalized, deleted_at, batch_id,
           available_point::text, date_joined::text
    from crm_sync.customers order by customer_name, customer_key`;
}

export async function changeCount(db: Database): Promise<number> {
  const [row] = await db.sql<Array<{ n: number }>>`select count(*)::integer as n from crm_sync.customer_changes`;
  return row?.n ?? 0;
}

/** Each customer's row_hash by customer key. */
export async function rowHashes(db: Database): Promise<Map<string, string>> {
  const rows = await db.sql<Array<{ customer_key: string; row_hash: string }>>`select customer_key, row_hash from crm_sync.customers`;
  return new Map(rows.map((row) => [row.customer_key, row.row_hash]));
}
