import { CSV_COLUMNS } from "@crm-sync/contracts";
import { RECORD_KEYS, type CustomerRecord } from "@crm-sync/fake-qashier";

export interface FormatOptions {
  /** The portal writes a UTF-8 BOM. */
  bom?: boolean;
  /** Between records; line breaks inside fields stay `\n` whatever this is. */
  eol?: string;
  /** `all`: every field quoted, as the portal does; `minimal`: only fields that need it. */
  quoting?: "all" | "minimal";
  columns?: readonly string[];
  /** Field values of a record, in column order (to add, drop or reorder fields). */
  fields?: (record: CustomerRecord) => string[];
}

const NEEDS_QUOTES = /[",\r\n]/;

function quote(field: string, quoting: "all" | "minimal"): string {
  if (quoting === "minimal" && !NEEDS_QUOTES.test(field)) return field;
  return `"${field.replaceAll('"', '""')}"`;
}

export const recordFields = (record: CustomerRecord): string[] => RECORD_KEYS.map((key) => record[key]);

/**
 * The portal's export format written by hand, so that single traits (BOM, line ends, quoting,
 * columns) can be varied one at a time. With no options it equals the fake portal's export
 * byte for byte: BOM, the header, every field quoted, `\n` between records, no final newline.
 */
export function portalExport(records: readonly CustomerRecord[], options: FormatOptions = {}): Buffer {
  const quoting = options.quoting ?? "all";
  const fields = options.fields ?? recordFields;
  const lines = [(options.columns ?? CSV_COLUMNS).map((c) => quote(c, quoting)).join(","), ...records.map((r) => fields(r).map((f) => quote(f, quoting)).join(","))];
  return Buffer.from(`${options.bom === false ? "" : "\uFEFF"}${lines.join(options.eol ?? "\n")}`);
}

/** One record as the portal writes it, without a line end. */
export function portalLine(record: CustomerRecord): string {
  return recordFields(record)
    .map((f) => quote(f, "all"))
    .join(",");
}

/** Unicode Thai (U+0E01–U+0E5B) to Windows-874 / TIS-620 bytes, the code page older Thai tools save in. */
export function windows874(text: string): Buffer {
  return Buffer.from([...text].map((char) => {
    const code = char.codePointAt(0) ?? 0x3f;
    if (code >= 0x0e01 && code <= 0x0e5b) return code - 0x0e01 + 0xa1;
    return code < 0x80 ? code : 0x3f;
  }));
}

/** Field lists (in column order) in the portal's exact format: BOM, the header, every field quoted, `\n`, no final newline. */
export function portalRows(rows: ReadonlyArray<readonly string[]>): Buffer {
  const lines = [CSV_COLUMNS.map((c) => quote(c, "all")).join(","), ...rows.map((fields) => fields.map((f) => quote(f, "all")).join(","))];
  return Buffer.from(`\uFEFF${lines.join("\n")}`);
}
