import { pipeline as pipelineCallback, Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify, type Options } from "csv-stringify";
import { stringify as stringifySync } from "csv-stringify/sync";
import { CSV_COLUMNS } from "@crm-sync/contracts";
import { RECORD_KEYS, type CustomerRecord } from "../customers/customer-record.ts";
import { generateCustomers, type GenerateOptions } from "../customers/generate-customers.ts";
import { coalesceChunks } from "./coalesce-chunks.ts";

/**
 * How an export goes wrong, as the real portal has been seen to: cut off mid-row, or with a
 * column renamed.
 */
export type ExportFlaw = "truncated" | "header-drift";

export interface CustomerCsvOptions extends GenerateOptions {
  flaw?: ExportFlaw;
}

/** The portal's format: BOM, every field quoted (empty ones too), `\n` between rows, none at the end. */
const FORMAT: Options = {
  bom: true,
  quoted: true,
  quoted_empty: true,
  record_delimiter: "\n",
  eof: false,
};

function csvStringifier(headers: readonly string[]) {
  return stringify({ ...FORMAT, header: true, columns: RECORD_KEYS.map((key, i) => ({ key, header: headers[i] ?? key })) });
}

/** Writes records in the export format to `writable`, streaming (flat memory for any count). */
export async function writeCustomerCsv(records: Iterable<CustomerRecord> | AsyncIterable<CustomerRecord>, writable: Writable): Promise<void> {
  await pipeline(Readable.from(records), csvStringifier(CSV_COLUMNS), coalesceChunks(), writable);
}

/** The export of `count` generated customers, byte for byte what the portal serves. */
export function customerCsvStream(options: CustomerCsvOptions): Readable {
  if (options.flaw === "truncated") return Readable.from(truncatedExport(options));
  const headers = options.flaw === "header-drift" ? CSV_COLUMNS.map((c) => (c === "Contact Number" ? "Phone" : c)) : CSV_COLUMNS;
  const output = coalesceChunks();
  // pipeline destroys every stage on failure, so the caller sees the error on `output`.
  pipelineCallback(Readable.from(generateCustomers(options)), csvStringifier(headers), output, () => {});
  return output;
}

/**
 * The first half of the rows complete, then half of the next row and the end of the file:
 * what a dropped connection behind a proxy delivers, still with a clean end of response.
 */
async function* truncatedExport({ flaw: _flaw, ...options }: CustomerCsvOptions): AsyncGenerator<Buffer | string> {
  const complete = Math.floor(options.count / 2);
  yield* customerCsvStream({ ...options, count: complete });
  let cutRecord: CustomerRecord | undefined;
  for (const record of generateCustomers({ ...options, count: complete + 1 })) cutRecord = record;
  if (cutRecord === undefined || options.count === 0) return;
  const record = cutRecord;
  const row = stringifySync([RECORD_KEYS.map((key) => record[key])], { ...FORMAT, bom: false });
  yield `${complete === 0 ? "" : "\n"}${row.slice(0, Math.ceil(row.length / 2))}`;
}
