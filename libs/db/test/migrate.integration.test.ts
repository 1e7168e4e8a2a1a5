import { cp, mkdtemp, readdir, rm, writeFile, appendFile } from "node:fs/promises";
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
