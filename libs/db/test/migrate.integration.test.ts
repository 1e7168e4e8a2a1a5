import { appendFile, cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isSyncError } from "@crm-sync/errors";
import { createTestDatabase, gate, postgresMissing, type TestDatabase } from "@crm-sync/testing";
import { DEFAULT_MIGRATIONS_DIR, migrate, openDatabase, type Database } from "../src/index.ts";

const migrationNames = (await readdir(DEFAULT_MIGRATIONS_DIR)).filter((name) => name.endsWith(".sql")).sort();

async function recorded(db: Database): Promise<string[]> {
  const rows = await db.sql<{ name: string }[]>`select name from crm_sync.schema_migrations order by name`;
  return rows.map((row) => row.name);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** What a schema looks like from outside: columns, indexes and constraints, in a stable order. */
async function describeSchema(db: Database) {
  const columns = await db.sql`
    select table_schema, table_name, column_name, ordinal_position, data_type, is_nullable, column_default,
           numeric_precision, numeric_scale, is_identity
    from information_schema.columns
    where table_schema in ('backoffice', 'crm_sync')
    order by table_schema, table_name, ordinal_position`;
  const indexes = await db.sql`
    select schemaname, tablename, indexname, indexdef
    from pg_indexes where schemaname in ('backoffice', 'crm_sync')
    order by schemaname, indexname`;
  const constraints = await db.sql`
    select n.nspname as schema, c.conname as name, c.contype as type, pg_get_constraintdef(c.oid) as definition
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    -- PGlite (Postgres 17+) also lists NOT NULL as constraints; columns.is_nullable covers those.
    where n.nspname in ('backoffice', 'crm_sync') and c.contype <> 'n'
    order by n.nspname, c.conname`;
  return { columns: [...columns], indexes: [...indexes], constraints: [...constraints] };
}

describe("migrate on PGlite", () => {
  let db: Database;
  beforeEach(async () => {
    db = await openDatabase("pglite://memory");
  });
  afterEach(async () => {
    await db.close();
  });

  it("applies every migration once; a second run is a no-op", async () => {
    expect(await migrate(db)).toEqual(migrationNames);
    expect(await migrate(db)).toEqual([]);
    expect(await recorded(db)).toEqual(migrationNames);
    const [customers] = await db.sql`select count(*)::int as n from backoffice.customers`;
    expect(customers?.["n"]).toBe(0);
  });

  it("refuses to run when an applied migration was edited", async () => {
    const dir = await mkdtemp(join(tmpdir(), "crm-sync-migrations-"));
    try {
      await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
      await migrate(db, { dir });
      await appendFile(join(dir, migrationNames[0] ?? ""), "\n-- edited after it was applied\n");
      const error = await rejection(migrate(db, { dir }));
      expect(isSyncError(error) && error.code).toBe("DB_ERROR");
      expect((error as Error).message).toContain(migrationNames[0]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("rolls back a failing migration and records nothing for it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "crm-sync-migrations-"));
    try {
      await writeFile(join(dir, "20990101000000_good.sql"), "create schema if not exists crm_sync; create table crm_sync.good (id int);");
      await writeFile(join(dir, "20990101000100_bad.sql"), "create table crm_sync.half_done (id int); select * from no_such_table;");
      const error = await rejection(migrate(db, { dir }));
      expect(isSyncError(error) && error.code).toBe("DB_ERROR");
      expect(await recorded(db)).toEqual(["20990101000000_good.sql"]);
      const [halfDone] = await db.sql`select to_regclass('crm_sync.half_done') as t`;
      expect(halfDone?.["t"]).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("openDatabase with a PGlite directory", () => {
  it("creates the directory and keeps data across reopening", async () => {
    const parent = await mkdtemp(join(tmpdir(), "crm-sync-pglite-"));
    const url = `pglite://${join(parent, "nested", "data")}`;
    try {
      const first = await openDatabase(url);
      expect(await migrate(first)).toEqual(migrationNames);
      await first.sql`insert into crm_sync.alerts (subject, state) values ('pipeline', 'ok')`;
      await first.close();
      const second = await openDatabase(url);
      try {
        expect(await migrate(second)).toEqual([]);
        expect(await second.sql`select subject, state from crm_sync.alerts`).toEqual([{ subject: "pipeline", state: "ok" }]);
      } finally {
        await second.close();
      }
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});

describe.skipIf(gate("Postgres", await postgresMissing()))("migrate on Postgres", () => {
  let database: TestDatabase;
  const open: Database[] = [];
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((db) => db.close()));
    await database.drop();
  });
  const connect = async () => {
    const db = await openDatabase(database.url, { max: 2 });
    open.push(db);
    return db;
  };

  it("applies every migration once; a second run is a no-op", async () => {
    const db = await connect();
    expect(await migrate(db)).toEqual(migrationNames);
    expect(await migrate(db)).toEqual([]);
    expect(await recorded(db)).toEqual(migrationNames);
  });

  it("finds nothing pending without queueing on the migration lock", async () => {
    const db = await connect();
    await migrate(db);
    // Another migrator holds the lock. With a lock timeout, a check that queued for it would fail
    // (lock timeout, SQLSTATE 55P03) instead of hanging; one that only reads the ledger returns at once.
    const holder = await connect();
    const waiting = await openDatabase(database.url, { max: 1, timeouts: { statementMs: 0, lockMs: 200, idleInTransactionMs: 0 } });
    open.push(waiting);
    await holder.sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext('crm_sync.migrate'))`;
      expect(await migrate(waiting)).toEqual([]);
    });
  });

  it("still queues on the lock when a file is pending", async () => {
    const db = await connect();
    await migrate(db);
    await db.sql`delete from crm_sync.schema_migrations where name = ${migrationNames.at(-1) ?? ""}`;
    const holder = await connect();
    const waiting = await openDatabase(database.url, { max: 1, timeouts: { statementMs: 0, lockMs: 200, idleInTransactionMs: 0 } });
    open.push(waiting);
    await holder.sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext('crm_sync.migrate'))`;
      expect(await rejection(migrate(waiting))).toMatchObject({ code: "DB_UNAVAILABLE", cause: { code: "55P03" } });
    });
  });

  it("lets two migrators started together finish without colliding, applying each file once", async () => {
    const [left, right] = await Promise.all([connect(), connect()]);
    const results = await Promise.all([migrate(left), migrate(right)]);
    // They may take turns file by file; between them every file is applied exactly once.
    expect(results.flat().sort()).toEqual(migrationNames);
    expect(await recorded(left)).toEqual(migrationNames);
    expect(await migrate(right)).toEqual([]);
  });

  it("builds the same schema as PGlite", async () => {
    const postgresDb = await connect();
    await migrate(postgresDb);
    const pglite = await openDatabase("pglite://memory");
    try {
      await migrate(pglite);
      const [onPostgres, onPglite] = [await describeSchema(postgresDb), await describeSchema(pglite)];
      expect(onPostgres.columns.length).toBeGreaterThan(40);
      expect(onPostgres.indexes.length).toBeGreaterThan(8);
      expect(onPglite).toEqual(onPostgres);
    } finally {
      await pglite.close();
    }
  });
});

/** The files as of the cutover's parent on main: a database may stand at any point of these. */
const CUTOVER_FILES = new Set(["20261125000000_set_aside_old_script_table.sql", "20261206120000_customers_into_crm_sync.sql"]);
const EARLIER_FILES = migrationNames.filter((name) => !CUTOVER_FILES.has(name) && name < "20261206120000");

const OLD_SCRIPT_TABLE = `
  create schema if not exists backoffice;
  create table backoffice.customers (id bigserial primary key, store text, customer_name text,
    contact_number text, address text, email text, date_of_birth date, date_joined date,
    available_credit numeric, available_point numeric, source text, sms_pdpa boolean,
    email_pdpa boolean, batch_id text, update_time timestamptz default now());
  insert into backoffice.customers (store, customer_name, contact_number, date_joined, available_point, batch_id)
  values ('LENGOLF', 'Old Member 1', '812345678', '2022-01-01', 10.5, 'old'), ('LENGOLF', 'Old Member 2', '0', null, null, 'old'),
         (null, null, null, null, 1e15, 'old');`;

/** Two active customers and a soft-deleted one, written as crm-sync's loader did at that point. */
const CRM_SYNC_ROWS = `
  insert into backoffice.customers (store, customer_name, contact_number, customer_key, row_hash, first_seen_run, deleted_at)
  values ('LENGOLF', 'Member 1', '0800000001', '0800000001', 'h1', 'run-1', null),
         ('LENGOLF', 'Member 2', '0800000002', '0800000002', 'h2', 'run-1', null),
         ('LENGOLF', 'Member 3', '0800000003', '0800000003', 'h3', 'run-1', now());`;

/** `supabase db push`: each pending file in name order, in its own transaction, recorded in supabase's ledger. */
async function push(db: Database, names: readonly string[]): Promise<void> {
  await db.sql.unsafe(`
    create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (version text primary key, statements text[], name text);`);
  const done = new Set((await db.sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations`).map((r) => r.version));
  for (const name of [...names].sort()) {
    const [version = "", ...rest] = name.replace(/\.sql$/, "").split("_");
    if (done.has(version)) continue;
    const sql = await readFile(join(DEFAULT_MIGRATIONS_DIR, name), "utf8");
    await db.sql.begin(async (tx) => {
      await tx.unsafe(sql);
      await tx`insert into supabase_migrations.schema_migrations (version, name) values (${version}, ${rest.join("_")})`;
    });
  }
}

async function migrateFiles(db: Database, names: readonly string[]): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), "crm-sync-migrations-"));
  try {
    for (const name of names) await cp(join(DEFAULT_MIGRATIONS_DIR, name), join(dir, name));
    return await migrate(db, { dir });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function customerCounts(db: Database) {
  const [row] = await db.sql<{ all: number; active: number; view: number }[]>`
    select (select count(*)::int from crm_sync.customers) as all,
           (select count(*)::int from crm_sync.customers where deleted_at is null) as active,
           (select count(*)::int from backoffice.customers) as view`;
  return row;
}

type Order = "migrate" | "supabase db push";
const apply = (order: Order, db: Database, names: readonly string[]) => (order === "migrate" ? migrateFiles(db, names) : push(db, names));

function everyStartingPoint(open: () => Promise<{ db: Database; close: () => Promise<void> }>, points: number[]) {
  for (const order of ["migrate", "supabase db push"] as const) {
    it(`${order}: adopts the old script's table with every row`, async () => {
      const { db, close } = await open();
      try {
        await db.sql.unsafe(OLD_SCRIPT_TABLE);
        await apply(order, db, migrationNames);
        expect(await customerCounts(db)).toEqual({ all: 3, active: 3, view: 3 });
        expect(await db.sql`select id::int, customer_name, contact_number, available_point::float8 from backoffice.customers order by id`).toEqual([
          { id: 1, customer_name: "Old Member 1", contact_number: "812345678", available_point: 10.5 },
          { id: 2, customer_name: "Old Member 2", contact_number: "0", available_point: null },
          // Nothing the old table held is refused: a missing name is '', an amount beyond numeric(14, 2) null.
          { id: 3, customer_name: "", contact_number: "", available_point: null },
        ]);
        const [holding] = await db.sql`select to_regnamespace('crm_sync_old_script') as schema`;
        expect(holding?.["schema"]).toBeNull();
        // Whichever way the files went in, `migrate` afterwards has nothing left to run.
        expect(await migrate(db)).toEqual([]);
        expect(await recorded(db)).toEqual(migrationNames);
      } finally {
        await close();
      }
    });

    it(`${order}: builds the layout on an empty database`, async () => {
      const { db, close } = await open();
      try {
        await apply(order, db, migrationNames);
        expect(await customerCounts(db)).toEqual({ all: 0, active: 0, view: 0 });
        expect(await migrate(db)).toEqual([]);
      } finally {
        await close();
      }
    });

    for (const point of points) {
      it(`${order}: takes a crm-sync database migrated up to ${EARLIER_FILES[point - 1]} forward without losing a row`, async () => {
        const { db, close } = await open();
        try {
          await apply(order, db, EARLIER_FILES.slice(0, point));
          await db.sql.unsafe(CRM_SYNC_ROWS);
          await apply(order, db, migrationNames);
          expect(await customerCounts(db)).toEqual({ all: 3, active: 2, view: 2 });
          const ids = await db.sql<{ id: string }[]>`select id::text from backoffice.customers order by id`;
          expect(ids.map((r) => r.id)).toEqual(["1", "2"]);
          expect(await migrate(db)).toEqual([]);
          expect(await recorded(db)).toEqual(migrationNames);
        } finally {
          await close();
        }
      });
    }
  }
}

const EVERY_POINT = EARLIER_FILES.map((_, i) => i + 1);

describe("migrating every starting point on PGlite", () => {
  everyStartingPoint(async () => {
    const db = await openDatabase("pglite://memory");
    return { db, close: () => db.close() };
  }, [1, EARLIER_FILES.length]);
});

describe.skipIf(gate("Postgres", await postgresMissing()))("migrating every starting point on Postgres", () => {
  everyStartingPoint(async () => {
    const database = await createTestDatabase();
    const db = await openDatabase(database.url, { max: 2 });
    return {
      db,
      close: async () => {
        await db.close();
        await database.drop();
      },
    };
  }, EVERY_POINT);
});
