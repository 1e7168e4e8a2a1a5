import { z } from "zod";
import { CSV_COLUMNS } from "@crm-sync/contracts/csv-header";
import type { CsvColumn, RejectCode, RowProblem } from "./reject-reason.ts";
import { normalizeThaiPhone } from "./thai-phone.ts";

export const SOURCES = ["Others", "Walk In", "Digital", "N.A."] as const;

/** One exported customer, normalized into the values `crm_sync.customers` stores (and the `backoffice.customers` view shows). */
export interface CustomerRow {
  store: string;
  customerName: string;
  /** Exactly as exported: leading zeros and placeholders kept, for the old queries. */
  contactNumber: string;
  address: string | null;
  email: string | null;
  /** ISO `yyyy-mm-dd`. */
  dateOfBirth: string | null;
  dateJoined: string | null;
  /** Decimal text, exact (no float rounding on the way to `numeric`). */
  availableCredit: string | null;
  availablePoint: string | null;
  source: (typeof SOURCES)[number] | null;
  smsPdpa: boolean | null;
  emailPdpa: boolean | null;
  phoneNormalized: string | null;
}

/** A rejected row names at least one problem. */
export type RowResult = { ok: true; row: CustomerRow } | { ok: false; problems: RowProblem[] };

/**
 * No real name, number or address comes near this; a longer field is junk that would bloat
 * every query of the table, so its row is rejected (the parser refuses whole records over 1 MiB).
 */
export const MAX_FIELD_CHARS = 4000;

const blankToNull = (value: string) => (value.trim() === "" ? null : value.trim());

// Validation checks shapes only (fast, no transforms: this runs for every row of a large
// export); the conversions below run on values already known to be well-formed.
// Each field has one rule, so a failing field's column says which (RULES below).
const NON_BLANK = /\S/;
const nonBlank = z.string().regex(NON_BLANK);
const portalDate = z.string().regex(/^\s*(\d{1,2}\/\d{1,2}\/\d{4})?\s*$/);
// numeric(14, 2): at most 12 integer digits, optionally with thousands separators, so no
// exported amount can overflow the column (that would fail the whole load, not the row).
const PORTAL_AMOUNT = /^\s*(-?\d{1,3}(,?\d{3}){0,3}(\.\d{1,2})?)?\s*$/;
const amount = z.string().regex(PORTAL_AMOUNT);
const yesNo = z.enum(["Yes", "No", ""]);

const ExportedCustomer = z.object({
  store: nonBlank,
  customer: nonBlank,
  contactNumber: z.string(),
  address: z.string(),
  email: z.string(),
  dateOfBirth: portalDate,
  dateJoined: portalDate,
  availableCredit: amount,
  availablePoint: amount,
  source: z.enum([...SOURCES, ""]),
  smsPdpa: yesNo,
  emailPdpa: yesNo,
});
type ExportedCustomer = z.infer<typeof ExportedCustomer>;
const FIELD_COLUMNS = Object.fromEntries(Object.keys(ExportedCustomer.shape).map((key, i) => [key, CSV_COLUMNS[i]])) as Record<keyof ExportedCustomer, CsvColumn>;
/** The rule each checked field follows (contact number, address and email take any text). */
const RULES: Partial<Record<keyof ExportedCustomer, RejectCode>> = {
  store: "BLANK",
  customer: "BLANK",
  dateOfBirth: "NOT_A_DATE",
  dateJoined: "NOT_A_DATE",
  availableCredit: "NOT_AN_AMOUNT",
  availablePoint: "NOT_AN_AMOUNT",
  source: "UNKNOWN_SOURCE",
  smsPdpa: "NOT_YES_NO",
  emailPdpa: "NOT_YES_NO",
};

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(month: number, year: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

const PORTAL_DATE_PARTS = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/;

const twoDigits = (text: string) => (text.length === 1 ? `0${text}` : text);

/**
 * dd/mm/yyyy → yyyy-mm-dd; null when blank; undefined when it is not such a date or the day
 * does not exist (31/02). One regex rather than split-and-pad: this runs twice for every row.
 */
export function isoDate(text: string): string | null | undefined {
  const parts = PORTAL_DATE_PARTS.exec(text);
  if (parts === null) return text.trim() === "" ? null : undefined;
  const [, dayText = "", monthText = "", yearText = ""] = parts;
  const day = Number(dayText);
  const month = Number(monthText);
  const year = Number(yearText);
  if (!(year >= 1900 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(month, year))) return undefined;
  return `${yearText}-${twoDigits(monthText)}-${twoDigits(dayText)}`;
}

function decimal(text: string): string | null {
  const cleaned = text.trim().replaceAll(",", "");
  return cleaned === "" ? null : cleaned;
}

function yesNoValue(text: "Yes" | "No" | ""): boolean | null {
  return text === "" ? null : text === "Yes";
}

/** The columns of `fields` that break `rule`, as problems with `code`. */
function fieldProblems(fields: readonly string[], rule: (field: string) => boolean, code: RejectCode): RowProblem[] {
  const problems: RowProblem[] = [];
  fields.forEach((field, i) => {
    const column = CSV_COLUMNS[i];
    if (column !== undefined && rule(field)) problems.push({ column, code });
  });
  return problems;
}

const SOURCE_VALUES: ReadonlySet<string> = new Set([...SOURCES, ""]);
const YES_NO_VALUES: ReadonlySet<string> = new Set(["Yes", "No", ""]);

/**
 * A well-formed record's row, by the same rules as the schema above checked with plain tests,
 * or undefined for anything the full check must look at (which then names every problem). At
 * 100k rows, building the schema's input object and its issues-aware parse for every row was
 * about a tenth of the parse.
 */
function wellFormedRow(fields: readonly string[]): CustomerRow | undefined {
  for (const field of fields) if (field.length > MAX_FIELD_CHARS || field.includes("\u0000")) return undefined;
  const [store = "", customer = "", contactNumber = "", address = "", email = "", birth = "", joined = "", credit = "", points = "", source = "", sms = "", emailPdpa = ""] = fields;
  if (!NON_BLANK.test(store) || !NON_BLANK.test(customer)) return undefined;
  if (!PORTAL_AMOUNT.test(credit) || !PORTAL_AMOUNT.test(points)) return undefined;
  if (!SOURCE_VALUES.has(source) || !YES_NO_VALUES.has(sms) || !YES_NO_VALUES.has(emailPdpa)) return undefined;
  const dateOfBirth = isoDate(birth);
  const dateJoined = isoDate(joined);
  if (dateOfBirth === undefined || dateJoined === undefined) return undefined;
  return {
    store: store.trim(),
    customerName: customer.trim(),
    contactNumber,
    address: blankToNull(address),
    email: blankToNull(email),
    dateOfBirth,
    dateJoined,
    availableCredit: decimal(credit),
    availablePoint: decimal(points),
    source: source === "" ? null : (source as (typeof SOURCES)[number]),
    smsPdpa: yesNoValue(sms as "Yes" | "No" | ""),
    emailPdpa: yesNoValue(emailPdpa as "Yes" | "No" | ""),
    phoneNormalized: normalizeThaiPhone(contactNumber).normalized,
  };
}

/**
 * Validates and normalizes one exported record. A rejected row names columns and rule codes
 * only, never the values: they end up in logs and run results.
 */
export function parseCustomerRow(fields: readonly string[]): RowResult {
  if (fields.length !== CSV_COLUMNS.length) return { ok: false, problems: [{ column: null, code: "WRONG_FIELD_COUNT" }] };
  const wellFormed = wellFormedRow(fields);
  if (wellFormed !== undefined) return { ok: true, row: wellFormed };
  // Postgres text cannot hold NUL: one such field would fail the whole load, not just its row.
  const unstorable = [
    ...fieldProblems(fields, (field) => field.includes("\u0000"), "NUL_CHARACTER"),
    ...fieldProblems(fields, (field) => field.length > MAX_FIELD_CHARS, "FIELD_TOO_LONG"),
  ];
  if (unstorable.length > 0) return { ok: false, problems: unstorable };
  const parsed = ExportedCustomer.safeParse({
    store: fields[0],
    customer: fields[1],
    contactNumber: fields[2],
    address: fields[3],
    email: fields[4],
    dateOfBirth: fields[5],
    dateJoined: fields[6],
    availableCredit: fields[7],
    availablePoint: fields[8],
    source: fields[9],
    smsPdpa: fields[10],
    emailPdpa: fields[11],
  });
  if (!parsed.success) {
    const failed = new Set(parsed.error.issues.map((issue) => issue.path[0] as keyof ExportedCustomer));
    return { ok: false, problems: [...failed].map((key) => ({ column: FIELD_COLUMNS[key], code: RULES[key] ?? "BLANK" })) };
  }
  const exported = parsed.data;
  const dateOfBirth = isoDate(exported.dateOfBirth);
  const dateJoined = isoDate(exported.dateJoined);
  if (dateOfBirth === undefined || dateJoined === undefined) {
    const problems: RowProblem[] = [];
    if (dateOfBirth === undefined) problems.push({ column: "Date of Birth", code: "NOT_A_DATE" });
    if (dateJoined === undefined) problems.push({ column: "Date Joined", code: "NOT_A_DATE" });
    return { ok: false, problems };
  }
  return {
    ok: true,
    row: {
      store: exported.store.trim(),
      customerName: exported.customer.trim(),
      contactNumber: exported.contactNumber,
      address: blankToNull(exported.address),
      email: blankToNull(exported.email),
      dateOfBirth,
      dateJoined,
      availableCredit: decimal(exported.availableCredit),
      availablePoint: decimal(exported.availablePoint),
      source: exported.source === "" ? null : exported.source,
      smsPdpa: yesNoValue(exported.smsPdpa),
      emailPdpa: yesNoValue(exported.emailPdpa),
      phoneNormalized: normalizeThaiPhone(exported.contactNumber).normalized,
    },
  };
}
