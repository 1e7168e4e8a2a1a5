import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErrorCode, SyncCounts } from "@crm-sync/contracts";
import { migrate, openDatabase, type Database } from "@crm-sync/db";
import { createTestDatabase, gate, postgresMissing, type TestDatabase } from "@crm-sync/testing";
import { DATABASE_SESSION_SETTINGS } from "../src/database-settings.ts";
import { BAD_EXPORT_NAMES, createCorpus, EMBEDDED, type BadExportName, type Corpus } from "./bad-exports/corpus.ts";
import { portalExport } from "./bad-exports/portal-format.ts";
import { startCsvReadyHarness, type CsvReadyHarness, type LoadOutcome } from "./support/csv-ready-harness.ts";

const postgresSkipped = gate("Postgres", await postgresMissing());
const README = new URL("../README.md", import.meta.url);
const SEED = 7;
const COUNT = 200;

type Outcome = { refused: ErrorCode } | { loaded: SyncCounts; table: "untouched" | "updated" };

const refused = (code: ErrorCode): Outcome => ({ refused: code });
const loaded = (counts: Partial<SyncCounts>, table: "untouched" | "updated" = "untouched"): Outcome => ({
  loaded: { rows: COUNT, inserted: 0, updated: 0, unchanged: 0, softDeleted: 0, revived: 0, rejected: 0, ...counts },
  table,
});

/**
 * The documented outcome of every bad export, loaded over a base of 200 customers with the
 * default limits (1% rejects, 10% deletions). services/loader/README.md "Bad exports" carries
 * the same table; the last test keeps the two in step.
 */
const OUTCOMES: Record<BadExportName, Outcome> = {
  "empty file (0 bytes)": refused("EXPORT_EMPTY"),
  "BOM only": refused("EXPORT_EMPTY"),
  "header only": refused("EXPORT_EMPTY"),
  "header drift: renamed column (the fake portal's flaw)": refused("CSV_HEADER_MISMATCH"),
  "header drift: reordered columns": refused("CSV_HEADER_MISMATCH"),
  "header drift: extra column": refused("CSV_HEADER_MISMATCH"),
  "header drift: missing column": refused("CSV_HEADER_MISMATCH"),
  "no header line": refused("CSV_HEADER_MISMATCH"),
  "no BOM": loaded({ unchanged: 200 }),
  "CRLF line endings": loaded({ unchanged: 200 }),
  "minimal quoting": loaded({ unchanged: 200 }),
  "blank lines and a final newline": loaded({ unchanged: 200 }),
  "rows in another order": loaded({ unchanged: 200 }),
  "embedded quotes, line breaks and commas": loaded({ updated: 3, unchanged: 197 }, "updated"),
  "unterminated quote": refused("CSV_MALFORMED"),
  "quotes inside a field not doubled": refused("CSV_MALFORMED"),
  "one ragged row": loaded({ unchanged: 199, rejected: 1 }),
  "ragged rows (4%)": refused("REJECT_RATIO_EXCEEDED"),
  "invalid UTF-8: a name saved as Windows-874": refused("CSV_MALFORMED"),
  "invalid UTF-8: a stray 0xFF byte": refused("CSV_MALFORMED"),
  "a 100 kB field": loaded({ unchanged: 199, rejected: 1 }),
  "a 10 MB field": refused("CSV_MALFORMED"),
  "one invalid date": loaded({ unchanged: 199, rejected: 1 }),
  "dates as yyyy-mm-dd": refused("REJECT_RATIO_EXCEEDED"),
  "dates as mm/dd/yyyy": refused("REJECT_RATIO_EXCEEDED"),
  "dates with two-digit years": refused("REJECT_RATIO_EXCEEDED"),
  "amounts with a decimal comma": refused("REJECT_RATIO_EXCEEDED"),
  "amounts with a currency sign": refused("REJECT_RATIO_EXCEEDED"),
  "one number exported twice": loaded({ rows: 201, unchanged: 199, rejected: 2 }),
  "duplicate keys (3 numbers exported twice)": refused("REJECT_RATIO_EXCEEDED"),
  "same number with and without its leading 0": loaded({ rows: 201, inserted: 1, unchanged: 200 }, "updated"),
  "10% of customers missing": loaded({ rows: 180, unchanged: 180, softDeleted: 20 }, "updated"),
  "mass deletion (30% of customers missing)": refused("MASS_DELETE_HELD"),
  "truncated mid-record (the fake portal's cut-off download)": refused("EXPORT_INCOMPLETE"),
  "truncated after a field": refused("EXPORT_INCOMPLETE"),
  "truncated inside a character": refused("EXPORT_INCOMPLETE"),
  "truncated at a record boundary": refused("MASS_DELETE_HELD"),
};

/** The README's wording of an outcome, one table row per case. */
function describeOutcome(outcome: Outcome): string {
  if ("refused" in outcome) return `refused: \`${outcome.refused}\`, table untouched`;
  const counts = Object.entries(outcome.loaded)
    .filter(([key, value]) => key === "rows" || value > 0)
    .map(([key, value]) => `${key} ${value}`)
    .join(", ");
  return `loaded: ${counts}; table ${outcome.table}`;
}

/** The report's wording of what a load did: the counts that are not zero, and whether the table moved. */
function observed(outcome: LoadOutcome, tableUnchanged: boolean): string {
  const table = tableUnchanged ? "table unchanged" : "table changed";
  if (outcome.type === "sync-failed") return `refused: ${outcome.data.code}; ${table}`;
  const counts = Object.entries(outcome.data.counts)
    .filter(([key, value]) => key === "rows" || value > 0)
    .map(([key, value]) => `${key} ${value}`)
    .join(", ");
  return `loaded: ${counts}; ${table}`;
}

/** Every customer row, exactly, plus the change log's length. */
async function snapshot(db: Database): Promise<string> {
  const [row] = await db.sql`
    select count(*)::integer as rows,
           md5(coalesce(string_agg(t::text, '|' order by id), '')) as md5,
           (select count(*)::integer from crm_sync.customer_changes) as changes
    from crm_sync.customers t`;
  return JSON.stringify(row);
}

describe.skipIf(postgresSkipped)("bad exports loaded over a good base (Postgres)", () => {
  let corpus: Corpus;
  let database: TestDatabase;
  let db: Database;
  let harness: CsvReadyHarness;
  let baseline: string;
  let runs = 0;

  /** A fresh database holding the base export; only re-created after a case changed the table. */
  async function openBase(): Promise<void> {
    database = await createTestDatabase("crm_sync_loader_bad_exports");
    db = await openDatabase(database.url, { connection: DATABASE_SESSION_SETTINGS });
    await migrate(db);
    harness = await startCsvReadyHarness(db);
    const base = await harness.load(`bad-exports-base-${++runs}`, corpus.baseBytes);
    expect(base).toMatchObject({ type: "sync-completed", data: { counts: { rows: COUNT, inserted: COUNT, rejected: 0 } } });
    baseline = await snapshot(db);
  }

  async function closeBase(): Promise<void> {
    await harness.close();
    await db.close();
    await database.drop();
  }

  beforeAll(async () => {
    corpus = await createCorpus(SEED, COUNT);
    await openBase();
  });

  afterAll(async () => {
    await closeBase();
  });

  it("starts from a base in the portal's exact format", async ({ annotate }) => {
    await annotate(`base: ${corpus.base.length} customers, ${corpus.baseBytes.length} bytes`);
    expect(portalExport(corpus.base).equals(corpus.baseBytes)).toBe(true);
  });

  it.for(BAD_EXPORT_NAMES)("%s", async (name, { annotate }) => {
    if ((await snapshot(db)) !== baseline) {
      await closeBase();
      await openBase();
    }
    const expected = OUTCOMES[name];
    const outcome = await harness.load(`bad-export-${++runs}`, await corpus.build(name));
    await annotate(observed(outcome, (await snapshot(db)) === baseline));

    if ("refused" in expected) {
      expect(outcome).toMatchObject({ type: "sync-failed", data: { code: expected.refused, destinationUntouched: true } });
      expect(await snapshot(db)).toBe(baseline);
      // The message ends up in emails and logs: it must not carry a customer's name or number.
      const message = outcome.type === "sync-failed" ? outcome.data.message : "";
      const personal = corpus.base.flatMap((r) => [r.customer.trim(), r.contactNumber]).filter((value) => value.length >= 8);
      expect(personal.filter((value) => message.includes(value))).toEqual([]);
      return;
    }
    expect(outcome).toMatchObject({ type: "sync-completed", data: { counts: expected.loaded } });
    if (expected.table === "untouched") expect(await snapshot(db)).toBe(baseline);
    else expect(await snapshot(db)).not.toBe(baseline);
  });

  it("stores embedded quotes, line breaks and commas exactly as exported", async ({ annotate }) => {
    await closeBase();
    await openBase();
    await harness.load(`bad-export-${++runs}`, await corpus.build("embedded quotes, line breaks and commas"));
    let stored = 0;
    for (const patch of EMBEDDED) {
      const [found] = await db.sql<Array<{ n: number }>>`
        select count(*)::integer as n from crm_sync.customers
        where (${patch.address ?? null}::text is null or address = ${patch.address ?? null})
          and (${patch.customer ?? null}::text is null or customer_name = ${patch.customer ?? null})`;
      if (found?.n === 1) stored += 1;
      expect(found?.n).toBe(1);
    }
    await annotate(`${stored} of ${EMBEDDED.length} patched customers stored verbatim`);
  });
});

describe("the README's bad-export table", () => {
  it("documents the same outcome for every case", async ({ annotate }) => {
    const readme = await readFile(README, "utf8");
    const missing = BAD_EXPORT_NAMES.map((name) => `| ${name} | ${describeOutcome(OUTCOMES[name])} |`).filter((row) => !readme.includes(row));
    await annotate(`${BAD_EXPORT_NAMES.length - missing.length} of ${BAD_EXPORT_NAMES.length} outcomes in services/loader/README.md`);
    expect(missing).toEqual([]);
  });
});
