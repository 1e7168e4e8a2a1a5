import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, openDatabase, type Database } from "@crm-sync/db";
import { createTestDatabase, gate, postgresMissing, type TestDatabase } from "@crm-sync/testing";

// The README's erasure procedure is run as written: its SQL block, through psql, on a migrated
// database holding three customers with change history; only the one named must go.

const run = promisify(execFile);
const README = await readFile(new URL("../../README.md", import.meta.url), "utf8");
const section = README.split("\n### Erasing one customer\n")[1]?.split("\n## ")[0] ?? "";
const ERASE_SQL = /```sql\n([\s\S]*?)```/.exec(section)?.[1] ?? "";

const PHONE_KEY = "+66810000001";
const NAME_KEY = "name:Test O'Neil|2024-01-02";
const OTHER_KEY = "+66810000002";

describe.skipIf(gate("Postgres", await postgresMissing()))("README: erasing one customer", () => {
  let database: TestDatabase;
  let db: Database;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase("crm_sync_erase");
    db = await openDatabase(database.url);
    await migrate(db);
    dir = await mkdtemp(join(tmpdir(), "erase-customer-"));
    await writeFile(join(dir, "erase-customer.sql"), ERASE_SQL);
    for (const [key, name] of [[PHONE_KEY, "Test Person A"], [NAME_KEY, "Test O'Neil"], [OTHER_KEY, "Test Person C"]] as const) {
      const [row] = await db.sql<Array<{ id: string }>>`
        insert into crm_sync.customers (store, customer_name, customer_key, row_hash, first_seen_run)
        values ('Test Store', ${name}, ${key}, 'hash', 'run-1') returning id`;
      await db.sql`
        insert into crm_sync.customer_changes (run_id, customer_id, customer_key, kind, after)
        values ('run-1', ${row!.id}, ${key}, 'insert', ${db.sql.json({ customer_name: name })}),
               ('run-2', ${row!.id}, ${key}, 'update', ${db.sql.json({ customer_name: `${name} changed` })})`;
    }
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function erase(key: string): Promise<void> {
    await run("psql", [database.url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", `key=${key}`, "-f", join(dir, "erase-customer.sql")]);
  }
  async function left(): Promise<{ customers: string[]; changes: string[] }> {
    const customers = await db.sql<Array<{ customer_key: string }>>`select customer_key from crm_sync.customers order by customer_key`;
    const changes = await db.sql<Array<{ customer_key: string }>>`select distinct customer_key from crm_sync.customer_changes order by customer_key`;
    return { customers: customers.map((r) => r.customer_key), changes: changes.map((r) => r.customer_key) };
  }

  it("has a SQL block to run", () => {
    expect(ERASE_SQL).toContain("delete from crm_sync.customers");
  });

  it("deletes the customer and its change history, and nothing else", async () => {
    await erase(PHONE_KEY);
    expect(await left()).toEqual({ customers: [NAME_KEY, OTHER_KEY].sort(), changes: [NAME_KEY, OTHER_KEY].sort() });
  });

  it("takes a name key with a quote in it as a value", async () => {
    await erase(NAME_KEY);
    expect(await left()).toEqual({ customers: [OTHER_KEY], changes: [OTHER_KEY] });
  });

  it("changes nothing for a key no customer has", async () => {
    await erase("+66819999999");
    expect(await left()).toEqual({ customers: [OTHER_KEY], changes: [OTHER_KEY] });
  });
});
