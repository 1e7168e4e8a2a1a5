import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CsvError, parse } from "csv-parse";
import { CSV_COLUMNS } from "@crm-sync/contracts/csv-header";
import { SyncError, isSyncError } from "@crm-sync/errors";
import { RejectTally, type RejectReport } from "../domain/reject-reason.ts";
import { RepeatedKeys } from "../domain/repeated-keys.ts";
import { stageCustomer, type StagedCustomer } from "../domain/staged-customer.ts";
import { Sha256Tap } from "./sha256-tap.ts";
import { Utf8Check } from "./utf8-check.ts";

/**
 * A portal record is a few hundred bytes. csv-parse holds a whole record in memory, so a
 * record this large means a broken file (a 10 MB field, or a stray quote swallowing the rest of
 * a large export), and it is refused before it can exhaust memory.
 */
export const MAX_RECORD_BYTES = 1024 * 1024;

export interface ParseTally {
  /** Data records in the file (valid and rejected). */
  rows: number;
  /** Records that failed validation (staged as rejected); duplicate keys are found later, in SQL. */
  invalid: number;
  /** The invalid records' problems (row, column and rule code, never values). */
  rejects: RejectReport;
  sha256: string;
  bytes: number;
}

export interface ParseOptions {
  /** The sha256 the producer recorded; the bytes read must match it. */
  expectedSha256?: string;
  batchSize?: number;
  onRows?: (rowsSoFar: number) => void;
}

/** Consumes the valid rows in batches while the file is still being read. */
export type BatchConsumer = (batches: AsyncIterable<StagedCustomer[]>) => Promise<void>;

/**
 * Streams an export through csv-parse into `consume` (every record, rejected ones flagged): the
 * bytes must be UTF-8, the header must equal the contract exactly, each record is validated and
 * normalized, and the bytes are hashed on the way. Memory stays flat whatever the file size:
 * only one batch is held at a time.
 *
 * A file that ends inside a record was cut short (the portal writes whole records and no final
 * newline): EXPORT_INCOMPLETE, as the scraper's check says, never a partial load that would
 * soft-delete the customers after the cut. A short record anywhere else is one rejected row.
 */
export async function parseExport(source: Readable, consume: BatchConsumer, options: ParseOptions = {}): Promise<ParseTally> {
  const tally: ParseTally = { rows: 0, invalid: 0, rejects: { reasons: [], rows: [] }, sha256: "", bytes: 0 };
  // Measured at 100k rows: 500 keeps peak RSS near 140 MB; 5,000 costs 50 MB more and no time.
  const batchSize = options.batchSize ?? 500;
  const tap = new Sha256Tap();
  const keys = new RepeatedKeys();
  const rejects = new RejectTally();
  let headerSeen = false;
  let lastRecordFields: number = CSV_COLUMNS.length;
  let sourceError: unknown;
  source.once("error", (error) => {
    sourceError = error;
  });

  // Blank lines carry no record in the portal's format (every field is quoted, so even an
  // all-empty record is `"",""…`): skipped rather than counted as rejected rows.
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_RECORD_BYTES });

  // Records arrive as arrays (no `columns`: naming every field costs a third more time).
  async function* batches(records: AsyncIterable<string[]>): AsyncGenerator<StagedCustomer[]> {
    let batch: StagedCustomer[] = [];
    for await (const record of records) {
      if (!headerSeen) {
        headerSeen = true;
        checkHeader(record);
        continue;
      }
      tally.rows++;
      lastRecordFields = record.length;
      const staged = stageCustomer(record, tally.rows, keys);
      if (!staged.ok) {
        tally.invalid++;
        for (const problem of staged.problems) rejects.add(tally.rows, problem);
      }
      batch.push(staged.customer);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
        options.onRows?.(tally.rows);
      }
    }
    if (lastRecordFields < CSV_COLUMNS.length) {
      throw new SyncError(
        "EXPORT_INCOMPLETE",
        `The export ends in the middle of a record (the last of ${tally.rows} has ${lastRecordFields} of ${CSV_COLUMNS.length} fields): the file was cut short.`,
      );
    }
    if (batch.length > 0) yield batch;
    options.onRows?.(tally.rows);
  }

  try {
    await pipeline(source, tap, new Utf8Check(), parser, batches, consume);
  } catch (error) {
    throw classify(error, sourceError);
  }
  tally.rejects = rejects.report();
  tally.sha256 = tap.digest();
  tally.bytes = tap.bytes;
  if (!headerSeen) throw new SyncError("EXPORT_EMPTY", "The export file is empty.");
  if (options.expectedSha256 !== undefined && options.expectedSha256 !== tally.sha256) {
    throw new SyncError("EXPORT_INCOMPLETE", "The export read from storage does not match the sha256 recorded when it was stored.");
  }
  return tally;
}

function checkHeader(record: string[]): void {
  const exact = record.length === CSV_COLUMNS.length && CSV_COLUMNS.every((column, i) => record[i] === column);
  if (exact) return;
  const known = new Set<string>(CSV_COLUMNS);
  const unexpected = record.filter((column) => !known.has(column)).length;
  const missing = CSV_COLUMNS.filter((column) => !record.includes(column)).length;
  throw new SyncError(
    "CSV_HEADER_MISMATCH",
    `The export's header differs from the contract (${record.length} columns, ${missing} missing, ${unexpected} unexpected, or out of order).`,
  );
}

function classify(error: unknown, sourceError: unknown): unknown {
  if (isSyncError(error)) return error;
  // Checked before the source's error: pipeline() destroys every stream with the first error,
  // so a file or GCS source reports the parser's own CsvError too, which is no storage failure.
  if (error instanceof CsvError) return csvFailure(error);
  if (sourceError !== undefined && (error === sourceError || isSyncError(sourceError))) {
    return isSyncError(sourceError) ? sourceError : new SyncError("BLOB_UNAVAILABLE", "The export could not be read from storage.", { cause: sourceError });
  }
  return error;
}

/**
 * csv-parse quotes the offending text in its message and keeps it in fields (`field`, `raw`),
 * and the logger writes an error's `cause`: the SyncError keeps only csv-parse's code and the
 * position (line, data record, column), and carries no cause.
 */
function csvFailure(error: CsvError): SyncError {
  if (error.code === "CSV_QUOTE_NOT_CLOSED") {
    // Every field is quoted, so a file cut off mid-record ends inside an open quote.
    return new SyncError("EXPORT_INCOMPLETE", `The export ends inside a quoted field (${error.code}${csvPosition(error)}): the file was cut short.`);
  }
  if (error.code === "CSV_MAX_RECORD_SIZE") {
    return new SyncError("CSV_MALFORMED", `The export has a record larger than ${MAX_RECORD_BYTES / 1024 / 1024} MiB (${error.code}${csvPosition(error)}).`);
  }
  return new SyncError("CSV_MALFORMED", `The export is not valid CSV (${error.code}${csvPosition(error)}).`);
}

/** ` at line 12, record 11, column 2 (Customer)`: numbers and the contract's column name only. */
function csvPosition(error: CsvError): string {
  const { lines, records, index } = error as CsvError & { lines?: unknown; records?: unknown; index?: unknown };
  const parts: string[] = [];
  if (typeof lines === "number") parts.push(`line ${lines}`);
  // `records` counts the records completed before the failing one, the header among them.
  if (typeof records === "number" && records > 0) parts.push(`record ${records}`);
  if (typeof index === "number") {
    const column = CSV_COLUMNS[index];
    parts.push(column === undefined ? `column ${index + 1}` : `column ${index + 1} (${column})`);
  }
  return parts.length === 0 ? "" : ` at ${parts.join(", ")}`;
}
