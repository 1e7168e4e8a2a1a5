import { createHash } from "node:crypto";
import { pipeline } from "node:stream/promises";
import { parse } from "csv-parse";
import { CSV_COLUMNS, CSV_HEADER } from "@crm-sync/contracts";
import { SyncError } from "@crm-sync/errors";

export interface VerifiedExport {
  /** Data records, header excluded. */
  rows: number;
  sha256: string;
  bytes: number;
}

export interface VerifyOptions {
  /** The count the portal showed next to its Export button, when it showed one. */
  portalTotal?: number | undefined;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** The header is one short line; a "first line" longer than this is not a header at all. */
const MAX_HEADER_BYTES = 4096;

/**
 * Proves an export complete before anything downstream trusts it: UTF-8 BOM, the header
 * byte for byte, 12 fields in every record, and as many records as the portal said it has.
 * Streams, so a million-row export is checked in constant memory; hashes the same bytes.
 * Messages carry counts only, never a field value.
 */
export async function verifyExport(chunks: AsyncIterable<Uint8Array | string>, options: VerifyOptions = {}): Promise<VerifiedExport> {
  const hash = createHash("sha256");
  const header = new HeaderCheck();
  let bytes = 0;
  let rows = 0;
  let firstShortRecord: { index: number; fields: number } | undefined;

  async function* hashed(): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      hash.update(buffer);
      bytes += buffer.length;
      header.feed(buffer);
      yield buffer;
    }
    header.end();
  }

  try {
    await pipeline(hashed(), parse({ bom: true, relax_column_count: true, skip_empty_lines: true }), async (records: AsyncIterable<string[]>) => {
      let first = true;
      for await (const record of records) {
        if (first) {
          first = false;
          continue; // the raw header check has already proved this line
        }
        rows += 1;
        if (record.length !== CSV_COLUMNS.length) firstShortRecord ??= { index: rows, fields: record.length };
      }
    });
  } catch (error) {
    throw classifyParseError(error, rows);
  }

  if (bytes === 0) throw new SyncError("EXPORT_EMPTY", "The export file was empty (0 bytes).");
  if (firstShortRecord !== undefined) {
    throw new SyncError(
      "EXPORT_INCOMPLETE",
      `Export record ${firstShortRecord.index} of ${rows} has ${firstShortRecord.fields} fields instead of ${CSV_COLUMNS.length}; the download was cut short or damaged.`,
    );
  }
  if (rows === 0) throw new SyncError("EXPORT_EMPTY", "The export contained the header but no customers.");
  if (options.portalTotal !== undefined && rows !== options.portalTotal) {
    throw new SyncError("EXPORT_INCOMPLETE", `The export has ${rows} customers but the portal showed a total of ${options.portalTotal}.`);
  }
  return { rows, sha256: hash.digest("hex"), bytes };
}

function classifyParseError(error: unknown, rowsSoFar: number): SyncError {
  if (error instanceof SyncError) return error;
  const code = (error as { code?: unknown }).code;
  // Every field is quoted, so a download cut off mid-row ends inside an open quote.
  if (code === "CSV_QUOTE_NOT_CLOSED") {
    return new SyncError("EXPORT_INCOMPLETE", `The export ends inside a record after ${rowsSoFar} complete customers; the download was cut short.`, {
      cause: error,
    });
  }
  return new SyncError("CSV_MALFORMED", `The export could not be parsed as CSV after ${rowsSoFar} customers.`, { cause: error });
}

/** Collects the bytes up to the first line break and compares them with the contract header. */
class HeaderCheck {
  private head = Buffer.alloc(0);
  private done = false;

  feed(chunk: Buffer): void {
    if (this.done) return;
    this.head = Buffer.concat([this.head, chunk]);
    const newline = this.head.indexOf(0x0a);
    if (newline >= 0) this.check(this.head.subarray(0, newline));
    else if (this.head.length > MAX_HEADER_BYTES + BOM.length) this.check(this.head.subarray(0, MAX_HEADER_BYTES));
  }

  end(): void {
    // A header-only export has no line break at all: the whole file is the header.
    if (!this.done && this.head.length > 0) this.check(this.head);
  }

  private check(line: Buffer): void {
    this.done = true;
    if (!line.subarray(0, BOM.length).equals(BOM)) {
      throw new SyncError("CSV_HEADER_MISMATCH", "The export does not start with the UTF-8 byte order mark the portal always writes.");
    }
    const text = line.subarray(BOM.length).toString("utf8").replace(/\r$/, "");
    if (text !== CSV_HEADER) {
      throw new SyncError("CSV_HEADER_MISMATCH", `The export's header differs from the expected ${CSV_COLUMNS.length} columns (${describeDrift(text)}).`);
    }
  }
}

/**
 * Names the expected columns that are missing and only counts the unexpected ones: when the
 * header line is absent, the "header" is a customer record, whose values must not be shown.
 */
function describeDrift(text: string): string {
  const found = text.split(",").map((cell) => cell.replace(/^"|"$/g, ""));
  const missing = CSV_COLUMNS.filter((column) => !found.includes(column));
  const unexpected = found.filter((column) => !(CSV_COLUMNS as readonly string[]).includes(column)).length;
  if (missing.length === 0 && unexpected === 0) return "same names, different order or quoting";
  return [missing.length > 0 ? `missing ${missing.map((c) => `"${c}"`).join(", ")}` : "", unexpected > 0 ? `${unexpected} unexpected` : ""]
    .filter(Boolean)
    .join("; ");
}
