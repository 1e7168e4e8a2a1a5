import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { POSTGRES_ADMIN_URL } from "@crm-sync/testing";

export interface BenchDatabase {
  name: string;
  url: string;
}

function urlOf(name: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function withDatabase<T>(database: BenchDatabase, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * A new database on the bench server: empty, or a copy of `template`. FILE_COPY clones a primed
 * million-row database in seconds where loading it again takes a minute; it needs the template
 * to have no sessions, which holds because every load ran as a process that has exited.
 */
export async function createBenchDatabase(template?: BenchDatabase): Promise<BenchDatabase> {
  const name = `bench_${randomBytes(5).toString("hex")}`;
  await withAdmin((sql) => sql.unsafe(template === undefined ? `create database "${name}"` : `create database "${name}" template "${template.name}" strategy file_copy`));
  return { name, url: urlOf(name) };
}

export async function dropBenchDatabase(database: BenchDatabase): Promise<void> {
  await withAdmin((sql) => sql.unsafe(`drop database if exists "${database.name}" with (force)`));
}

/**
 * After the untimed base load: what a table that has sat since yesterday's run looks like
 * (autovacuum has analyzed it and set hint bits), so the timed load does not pay for the
 * bulk insert that set up the benchmark.
 */
export async function settleBenchDatabase(database: BenchDatabase): Promise<void> {
  await withDatabase(database, (sql) => sql.unsafe("vacuum (analyze)"));
}

/** A transaction id taken just before a timed run: rows with a newer xmin were written by it. */
export async function currentTransactionId(database: BenchDatabase): Promise<string> {
  return await withDatabase(database, async (sql) => {
    const [row] = await sql<{ xid: string }[]>`select (pg_current_xact_id()::text::numeric % 4294967296)::text as xid`;
    if (row === undefined) throw new Error("no transaction id");
    return row.xid;
  });
}

/**
 * Customer-table rows inserted or updated (soft deletes are updates) after `since`, read from
 * the tuples themselves: the loader's own counts cannot vouch for writes it did not mean to make.
 */
export async function customerRowsWrittenSince(database: BenchDatabase, since: string): Promise<number> {
  return await withDatabase(database, async (sql) => {
    const [row] = await sql<{ written: number }[]>`
      select count(*)::integer as written from crm_sync.customers where age(xmin) < age(${since}::text::xid)`;
    return row?.written ?? 0;
  });
}

export async function postgresVersion(): Promise<string> {
  return await withAdmin(async (sql) => {
    const [row] = await sql<{ server_version: string }[]>`show server_version`;
    return row?.server_version ?? "unknown";
  });
}

/** Round trips of `select 1` on one connection to `url`, in ms: proves what the proxy adds. */
export async function roundTripsMs(url: string, count: number): Promise<number[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select 1`;
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await sql`select 1`;
      times.push(performance.now() - started);
    }
    return times;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
