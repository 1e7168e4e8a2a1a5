import { buffer } from "node:stream/consumers";
import { CSV_COLUMNS } from "@crm-sync/contracts";
import { customerCsvStream, generateCustomers, type CustomerRecord } from "@crm-sync/fake-qashier";
import { normalizeThaiPhone } from "../../src/domain/thai-phone.ts";
import { portalExport, portalLine, recordFields, windows874 } from "./portal-format.ts";

/**
 * Exports that go wrong in the ways real ones do, each built from the same seeded base export
 * the test loads first. Generated in the test: no data file is committed, and every value is
 * synthetic (the fake portal's generator).
 */
export interface Corpus {
  base: readonly CustomerRecord[];
  /** The base export exactly as the fake portal serves it. */
  baseBytes: Buffer;
  build(name: BadExportName): Promise<Buffer>;
}

export const BAD_EXPORT_NAMES = [
  "empty file (0 bytes)",
  "BOM only",
  "header only",
  "header drift: renamed column (the fake portal's flaw)",
  "header drift: reordered columns",
  "header drift: extra column",
  "header drift: missing column",
  "no header line",
  "no BOM",
  "CRLF line endings",
  "minimal quoting",
  "blank lines and a final newline",
  "rows in another order",
  "embedded quotes, line breaks and commas",
  "unterminated quote",
  "quotes inside a field not doubled",
  "one ragged row",
  "ragged rows (4%)",
  "invalid UTF-8: a name saved as Windows-874",
  "invalid UTF-8: a stray 0xFF byte",
  "a 100 kB field",
  "a 10 MB field",
  "one invalid date",
  "dates as yyyy-mm-dd",
  "dates as mm/dd/yyyy",
  "dates with two-digit years",
  "amounts with a decimal comma",
  "amounts with a currency sign",
  "one number exported twice",
  "duplicate keys (3 numbers exported twice)",
  "same number with and without its leading 0",
  "10% of customers missing",
  "mass deletion (30% of customers missing)",
  "truncated mid-record (the fake portal's cut-off download)",
  "truncated after a field",
  "truncated inside a character",
  "truncated at a record boundary",
] as const;
export type BadExportName = (typeof BAD_EXPORT_NAMES)[number];

const BOM = "\uFEFF";

export async function createCorpus(seed: number, count: number): Promise<Corpus> {
  const base = [...generateCustomers({ seed, count })];
  const baseBytes = await buffer(customerCsvStream({ seed, count }));
  const baseText = baseBytes.toString("utf8");

  /** The first record at or after `from` whose number identifies it (its key is its number text). */
  const numbered = (from: number): number => {
    const index = base.findIndex((r, i) => i >= from && normalizeThaiPhone(r.contactNumber).normalized !== null);
    if (index < 0) throw new Error("the base export has no numbered customer there");
    return index;
  };
  const patched = (changes: Array<[number, Partial<CustomerRecord>]>): CustomerRecord[] => {
    const records = base.map((r) => ({ ...r }));
    for (const [index, patch] of changes) records[index] = { ...records[index]!, ...patch };
    return records;
  };
  const inserted = (at: number, extra: CustomerRecord[]): CustomerRecord[] => [...base.slice(0, at), ...extra, ...base.slice(at)];
  const newCustomer = (number: string, index: number): CustomerRecord => ({ ...base[index]!, customer: `Extra Member ${index}`, contactNumber: number });
  /** The base export with one record's field replaced by raw bytes. */
  const spliced = (index: number, patch: Partial<CustomerRecord>, token: string, bytes: Buffer): Buffer => {
    const [before = "", after = ""] = portalExport(patched([[index, patch]])).toString("utf8").split(token);
    return Buffer.concat([Buffer.from(before), bytes, Buffer.from(after)]);
  };
  const everyRecord = (change: (r: CustomerRecord) => Partial<CustomerRecord>) => portalExport(base.map((r) => ({ ...r, ...change(r) })));
  const dates = (r: CustomerRecord, format: (d: string, m: string, y: string) => string): Partial<CustomerRecord> => {
    const reformat = (text: string) => (text === "" ? "" : format(...(text.split("/") as [string, string, string])));
    return { dateOfBirth: reformat(r.dateOfBirth), dateJoined: reformat(r.dateJoined) };
  };
  const mid = Math.floor(count / 2);

  const builders: Record<BadExportName, () => Buffer | Promise<Buffer>> = {
    "empty file (0 bytes)": () => Buffer.alloc(0),
    "BOM only": () => Buffer.from(BOM),
    "header only": () => portalExport([]),
    "header drift: renamed column (the fake portal's flaw)": () => buffer(customerCsvStream({ seed, count, flaw: "header-drift" })),
    "header drift: reordered columns": () => portalExport(base, { columns: swap(CSV_COLUMNS, 3, 4), fields: (r) => swap(recordFields(r), 3, 4) }),
    "header drift: extra column": () => portalExport(base, { columns: [...CSV_COLUMNS, "Notes"], fields: (r) => [...recordFields(r), ""] }),
    "header drift: missing column": () => portalExport(base, { columns: CSV_COLUMNS.slice(0, -1), fields: (r) => recordFields(r).slice(0, -1) }),
    "no header line": () => Buffer.from(BOM + base.map(portalLine).join("\n")),
    "no BOM": () => portalExport(base, { bom: false }),
    "CRLF line endings": () => portalExport(base, { eol: "\r\n" }),
    "minimal quoting": () => portalExport(base, { quoting: "minimal" }),
    "blank lines and a final newline": () => Buffer.from(`${baseText.replace(`\n${portalLine(base[mid]!)}`, `\n\n${portalLine(base[mid]!)}`)}\n\n`),
    "rows in another order": () => portalExport([...base].reverse()),
    "embedded quotes, line breaks and commas": () => portalExport(patched(EMBEDDED.map((patch, i) => [numbered(10 + 40 * i), patch]))),
    "unterminated quote": () => {
      const line = portalLine(base[mid]!);
      // The name's closing quote is lost: `"LENGOLF","Name,"0812…`.
      const open = line.replace(`"${base[mid]!.customer.replaceAll('"', '""')}","`, `"${base[mid]!.customer.replaceAll('"', '""')},"`);
      if (open === line) throw new Error("could not drop the closing quote");
      return Buffer.from(baseText.replace(`\n${line}`, `\n${open}`));
    },
    "quotes inside a field not doubled": () => {
      const record = base[numbered(mid)]!;
      // The address is the first empty field once store, name and number are set.
      const broken = portalLine({ ...record, address: "" }).replace('""', '"Baan "Suan" Village"');
      return Buffer.from(baseText.replace(`\n${portalLine(record)}`, `\n${broken}`));
    },
    "one ragged row": () => Buffer.from(baseText.replace(portalLine(base[numbered(mid)]!), portalLine(base[numbered(mid)]!).split('","').slice(0, 10).join('","') + '"')),
    "ragged rows (4%)": () => portalExport(base, { fields: (r) => raggedFields(r, base) }),
    "invalid UTF-8: a name saved as Windows-874": () => spliced(numbered(mid), { customer: "@@NAME@@" }, "@@NAME@@", windows874("สมศรี ชัยศรี")),
    "invalid UTF-8: a stray 0xFF byte": () => spliced(numbered(mid), { address: "12 Moo 3@@BYTE@@" }, "@@BYTE@@", Buffer.from([0xff])),
    "a 100 kB field": () => portalExport(patched([[numbered(mid), { address: "9 Moo 9 ".repeat(12_800) }]])),
    "a 10 MB field": () => portalExport(patched([[numbered(mid), { address: "x".repeat(10 * 1024 * 1024) }]])),
    "one invalid date": () => portalExport(patched([[numbered(mid), { dateJoined: "31/02/2022" }]])),
    "dates as yyyy-mm-dd": () => everyRecord((r) => dates(r, (d, m, y) => `${y}-${m}-${d}`)),
    "dates as mm/dd/yyyy": () => everyRecord((r) => dates(r, (d, m, y) => `${m}/${d}/${y}`)),
    "dates with two-digit years": () => everyRecord((r) => dates(r, (d, m, y) => `${d}/${m}/${y.slice(2)}`)),
    "amounts with a decimal comma": () => everyRecord((r) => ({ availableCredit: r.availableCredit.replace(".", ","), availablePoint: r.availablePoint.replace(".", ",") })),
    "amounts with a currency sign": () => everyRecord((r) => ({ availableCredit: `฿${r.availableCredit}`, availablePoint: `฿${r.availablePoint}` })),
    "one number exported twice": () => portalExport(inserted(mid, [newCustomer(base[numbered(20)]!.contactNumber, mid)])),
    "duplicate keys (3 numbers exported twice)": () =>
      portalExport(inserted(mid, [20, 60, 100].map((at) => newCustomer(base[numbered(at)]!.contactNumber, numbered(at))))),
    "same number with and without its leading 0": () => portalExport(inserted(mid, [newCustomer(withoutLeadingZero(base), mid)])),
    "10% of customers missing": () => portalExport(base.filter((_, i) => i % 10 !== 3)),
    "mass deletion (30% of customers missing)": () => portalExport(base.filter((_, i) => i % 10 >= 3)),
    "truncated mid-record (the fake portal's cut-off download)": () => buffer(customerCsvStream({ seed, count, flaw: "truncated" })),
    "truncated after a field": () => Buffer.from(`${portalExport(base.slice(0, count - 1)).toString("utf8")}\n${portalLine(base[count - 1]!).split('","').slice(0, 5).join('","')}"`),
    "truncated inside a character": () => {
      const thai = base.findLastIndex((r) => /[\u0E00-\u0E7F]/.test(r.customer));
      const line = Buffer.from(portalLine(base[thai]!));
      const cut = baseBytes.indexOf(line) + line.indexOf(Buffer.from(base[thai]!.customer)) + 1;
      return baseBytes.subarray(0, cut);
    },
    "truncated at a record boundary": () => portalExport(base.slice(0, mid)),
  };
  return { base, baseBytes, build: async (name) => await builders[name]() };
}

/** Values the portal's escaping must carry through: a quote, a comma, a line break. */
export const EMBEDDED: ReadonlyArray<Partial<CustomerRecord>> = [
  { address: '12/3 "Baan Suan", Moo 4\nSoi 5, Bangkok 10110' },
  { customer: 'Pim "Ploy" Example, Jr.' },
  { address: '"\n,\n""' },
];

function swap<T>(items: readonly T[], a: number, b: number): T[] {
  const copy = [...items];
  [copy[a], copy[b]] = [copy[b]!, copy[a]!];
  return copy;
}

/** Two of every 50 records are ragged, mid-file: one lost two fields, one gained a field. */
function raggedFields(record: CustomerRecord, base: readonly CustomerRecord[]): string[] {
  const index = base.indexOf(record);
  const fields = recordFields(record);
  if (index % 50 === 10) return fields.slice(0, -2);
  if (index % 50 === 35) return [...fields, "extra"];
  return fields;
}

/** A `0XXXXXXXXX` number of the base written without its 0, which no base customer has as text. */
function withoutLeadingZero(base: readonly CustomerRecord[]): string {
  const texts = new Set(base.map((r) => r.contactNumber));
  const number = base.map((r) => r.contactNumber).find((n) => /^0\d{9}$/.test(n) && !texts.has(n.slice(1)));
  if (number === undefined) throw new Error("the base export has no 0XXXXXXXXX number");
  return number.slice(1);
}
