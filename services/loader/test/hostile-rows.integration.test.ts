import { Readable } from "node:stream";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSV_COLUMNS } from "@crm-sync/contracts";
import type { Database } from "@crm-sync/db";
import { isSyncError } from "@crm-sync/errors";
import { LISTED_REJECTS, REJECT_CODES } from "../src/domain/reject-reason.ts";
import type { StagedCustomer } from "../src/domain/staged-customer.ts";
import { loadExport } from "../src/load-export.ts";
import { parseExport } from "../src/parse/parse-export.ts";
import { portalRows } from "./bad-exports/portal-format.ts";
import { BACKENDS, changeCount, dumpCustomers } from "./support/backends.ts";
import { capturedLogs } from "./support/captured-logs.ts";
import { generatedExport, type GeneratedRow } from "./support/hostile-rows.ts";

/**
 * Any export the portal could write either loads or rejects rows with a stated reason, never
 * failing the load with a database error: hostile rows (any Unicode, huge fields, odd numbers
 * and dates) go through the real parser and loader into a real database. fast-check prints the
 * seed and the shrunk counterexample of a failure; `FC_SEED` replays one.
 */
const RUNS = 40;
const SETTINGS = { numRuns: RUNS, ...(process.env.FC_SEED === undefined ? {} : { seed: Number(process.env.FC_SEED) }) };
// Rejects never refuse these loads: every row's outcome is what is checked.
const NO_GUARDS = { maxRejectRatio: 1, maxDeleteRatio: 1 };

interface Readback {
  customer_key: string;
  phone_normalized: string | null;
  store: string;
  customer_name: string;
  contact_number: string;
  address: string | null;
  email: string | null;
  date_of_birth: string | null;
  date_joined: string | null;
  available_credit: string | null;
  available_point: string | null;
  source: string | null;
  sms_pdpa: boolean | null;
  email_pdpa: boolean | null;
}

/** numeric(14, 2) as Postgres prints it: `-1,234.5` was normalized to `-1234.5` and reads back `-1234.50`. */
function asStoredAmount(text: string | null): string | null {
  if (text === null) return null;
  const negative = text.startsWith("-");
  const [whole = "", cents = ""] = text.replace("-", "").split(".");
  const digits = `${whole.replace(/^0+(?=\d)/, "")}.${cents.padEnd(2, "0")}`;
  return negative && /[1-9]/.test(digits) ? `-${digits}` : digits;
}

function expectedReadback(row: StagedCustomer): Readback {
  return {
    customer_key: row.customerKey,
    phone_normalized: row.phoneNormalized,
    store: row.store,
    customer_name: row.customerName,
    contact_number: row.contactNumber,
    address: row.address,
    email: row.email,
    date_of_birth: row.dateOfBirth,
    date_joined: row.dateJoined,
    available_credit: asStoredAmount(row.availableCredit),
    available_point: asStoredAmount(row.availablePoint),
    source: row.source,
    sms_pdpa: row.smsPdpa,
    email_pdpa: row.emailPdpa,
  };
}

async function readback(db: Database): Promise<Readback[]> {
  return await db.sql<Readback[]>`
    select customer_key, phone_normalized, store, customer_name, contact_number, address, email,
           date_of_birth::text, date_joined::text, available_credit::text, available_point::text,
           source, sms_pdpa, email_pdpa
    from crm_sync.customers where deleted_at is null order by customer_key`;
}

/** What the real parser makes of the file: every record, rejected ones flagged. */
async function parsed(bytes: Buffer): Promise<StagedCustomer[]> {
  const staged: StagedCustomer[] = [];
  await parseExport(Readable.from([bytes]), async (batches) => {
    for await (const batch of batches) staged.push(...batch);
  });
  return staged;
}

let runs = 0;

/** One generated export loaded into an empty table, checked, then loaded again. */
async function loadsOrRejectsEveryRow(db: Database, rows: GeneratedRow[]): Promise<void> {
  await db.sql`truncate crm_sync.customers, crm_sync.customer_changes, crm_sync.processed_messages`;
  const bytes = portalRows(rows.map((row) => row.fields));
  const staged = await parsed(bytes);
  expect(staged).toHaveLength(rows.length);

  const copies = new Map<string, number>();
  for (const row of staged) copies.set(row.customerKey, (copies.get(row.customerKey) ?? 0) + 1);
  const loadable = staged.filter((row) => !row.rejected && copies.get(row.customerKey) === 1);
  const rejectedRows = staged.filter((row) => !loadable.includes(row)).map((row) => row.rowNo);

  const { logger, records } = capturedLogs();
  const load = async (runId: string) => {
    try {
      return await loadExport({ db, logger, limits: NO_GUARDS }, { runId, openSource: async () => Readable.from([bytes]) });
    } catch (error) {
      // A refused load fails the property with its code (fast-check then shrinks the export).
      throw new Error(`the load failed with ${isSyncError(error) ? error.code : "an untyped error"}`, { cause: error });
    }
  };
  runs++;
  const first = await load(`hostile-${runs}-a`);

  // Every row loaded or rejected, and the counts add up.
  const { counts } = first;
  expect(counts).toEqual({ rows: rows.length, inserted: loadable.length, updated: 0, unchanged: 0, softDeleted: 0, revived: 0, rejected: rejectedRows.length });
  expect(counts.inserted + counts.updated + counts.unchanged + counts.revived + counts.rejected).toBe(counts.rows);
  // Values the contract accepts load, however odd their characters or long their text.
  rows.forEach((row, i) => {
    if (row.plausible) expect(loadable.map((s) => s.rowNo), `plausible row ${i + 1}`).toContain(i + 1);
  });

  // Each rejected row is named with its column and a stable code, and only rejected rows are.
  const { rejects } = first;
  for (const reject of rejects.rows) {
    expect(REJECT_CODES).toContain(reject.code);
    expect([null, ...CSV_COLUMNS]).toContain(reject.column);
    expect(Object.keys(reject).sort()).toEqual(["code", "column", "row"]);
  }
  const problems = rejects.reasons.reduce((sum, reason) => sum + reason.count, 0);
  expect(problems).toBeGreaterThanOrEqual(rejectedRows.length);
  if (problems <= LISTED_REJECTS) expect([...new Set(rejects.rows.map((r) => r.row))]).toEqual(rejectedRows);
  // The log names the same rows (the first 20), with nothing but row, column and code.
  const logged = records()
    .filter((record) => record.message === "row rejected")
    .map(({ row, column, reason }) => ({ row, column, code: reason }));
  expect(logged).toEqual(rejects.rows.slice(0, 20));

  // What was loaded reads back as the parser normalized it, byte for byte.
  const expected = loadable.map(expectedReadback).sort((a, b) => (a.customer_key < b.customer_key ? -1 : a.customer_key > b.customer_key ? 1 : 0));
  const stored = await readback(db);
  expect(stored.map((r) => r.customer_key).sort()).toEqual(expected.map((r) => r.customer_key).sort());
  const byKey = new Map(stored.map((r) => [r.customer_key, r]));
  for (const row of expected) expect(byKey.get(row.customer_key)).toEqual(row);

  // The same file again writes nothing.
  const before = await dumpCustomers(db);
  const changes = await changeCount(db);
  const second = await load(`hostile-${runs}-b`);
  expect(second.counts).toEqual({ ...counts, inserted: 0, unchanged: loadable.length });
  expect(await dumpCustomers(db)).toBe(before);
  expect(await changeCount(db)).toBe(changes);
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`hostile exports in ${backend.name}`, () => {
    let db: Database;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ db, close } = await backend.open());
    });
    afterAll(async () => {
      await close();
    });

    it(`loads or rejects, with a reason, every row of ${RUNS} generated exports, and a second load writes nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(generatedExport(1, 24), (rows) => loadsOrRejectsEveryRow(db, rows)),
        SETTINGS,
      );
    });
  });
}
