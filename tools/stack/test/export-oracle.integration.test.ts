import { execFile } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@crm-sync/db";
import { createTestDatabase, gate, postgresMissing, type TestDatabase } from "@crm-sync/testing";
import { oracleFromExport, tableDigest } from "./support/export-oracle.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const SAMPLE = join(root, "test/fixtures/customer-management-sample.csv");

/** `npx crm-sync load …`: the real loader, in its own process, as an operator runs it. */
async function load(file: string, databaseUrl: string, ...flags: string[]): Promise<Record<string, unknown>> {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile("npx", ["crm-sync", "load", "--file", file, "--database-url", databaseUrl, ...flags], { cwd: root }, (error, out, err) =>
      error === null ? resolve(out) : reject(new Error(`crm-sync load failed: ${err.slice(-500)}`)),
    );
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as Record<string, unknown>;
}

/**
 * The fault and million-row suites judge the table by the test's own reading of the export
 * (support/export-oracle.ts). This shows that reading agrees with the loader where the portal's
 * data is awkward (the sample's trailing spaces, lost leading zeros, line breaks in addresses,
 * duplicate numbers) and that it notices a single changed value.
 */
describe.skipIf(gate("Postgres", await postgresMissing()))("the export oracle agrees with a real load, and only with it", () => {
  let database: TestDatabase;
  let db: Database;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase("crm_sync_oracle");
    db = await openDatabase(database.url, { max: 1 });
    dir = await mkdtemp(join(tmpdir(), "crm-sync-oracle-"));
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("reads the portal sample as the loader loads it, and sees one changed point balance", async () => {
    const result = await load(SAMPLE, database.url);
    const oracle = await oracleFromExport(createReadStream(SAMPLE));
    expect(oracle).toMatchObject({ records: 30, duplicates: 0, active: 30 });
    expect(result).toMatchObject({ rows: oracle.records, inserted: oracle.active, rejected: oracle.duplicates });
    expect(await tableDigest(db)).toEqual({ active: oracle.active, digest: oracle.digest });

    await db.sql`update crm_sync.customers set available_point = available_point + 0.01 where id = (select min(id::text)::uuid from crm_sync.customers where deleted_at is null)`;
    const changed = await tableDigest(db);
    expect(changed.active).toBe(oracle.active);
    expect(changed.digest).not.toBe(oracle.digest);
  });

  it("leaves out every record whose number occurs twice in the file, as the loader rejects them", async () => {
    // The portal's format (BOM, every field quoted, no final newline); one number appears twice.
    const header = ["Store", "Customer", "Contact Number", "Address", "Email", "Date of Birth", "Date Joined", "Available Credit", "Available Point", "Source", "SMS PDPA", "Email PDPA"];
    const line = (name: string, phone: string) => [ "LENGOLF", name, phone, "", "", "", "01/02/2023", "0.00", "10.50", "Walk In", "Yes", "No"];
    const records = [...Array.from({ length: 250 }, (_, i) => line(`Member ${i} Example`, `08${String(50_000_000 + i)}`)), line("Someone Else Example", "0850000003")];
    const file = join(dir, "duplicates.csv");
    await writeFile(file, `\uFEFF${[header, ...records].map((fields) => fields.map((field) => `"${field}"`).join(",")).join("\n")}`);
    // Every sample customer vanishes from this file: allowed, this test is about the duplicates.
    const result = await load(file, database.url, "--allow-mass-delete");
    const oracle = await oracleFromExport(createReadStream(file));
    // 2 of 251 rejected stays under the loader's 1% reject guard.
    expect(oracle).toMatchObject({ records: 251, duplicates: 2, active: 249 });
    expect(result).toMatchObject({ rows: 251, rejected: 2 });
    expect(await tableDigest(db)).toEqual({ active: oracle.active, digest: oracle.digest });
  });
});
