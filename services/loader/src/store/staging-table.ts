import { once } from "node:events";
import { Readable, type Writable } from "node:stream";
import { finished } from "node:stream/promises";
import type { Sql } from "postgres";
import type { StagedCustomer } from "../domain/staged-customer.ts";

/** The export's valid rows, for set-based diffing. Dropped at commit or rollback. */
export const CREATE_STAGING = `
  create temp table loader_staging (
    row_no integer not null,
    customer_key text not null,
    phone_normalized text,
    store text not null,
    customer_name text not null,
    contact_number text not null,
    address text,
    email text,
    date_of_birth date,
    date_joined date,
    available_credit numeric(14, 2),
    available_point numeric(14, 2),
    source text,
    sms_pdpa boolean,
    email_pdpa boolean,
    rejected boolean not null,
    key_may_repeat boolean not null
  ) on commit drop`;

const COLUMNS =
  "row_no, customer_key, phone_normalized, store, customer_name, contact_number, address, email, date_of_birth, date_joined, available_credit, available_point, source, sms_pdpa, email_pdpa, rejected, key_may_repeat";

function fieldsOf(row: StagedCustomer): Array<string | null> {
  return [
    String(row.rowNo),
    row.customerKey,
    row.phoneNormalized,
    row.store,
    row.customerName,
    row.contactNumber,
    row.address,
    row.email,
    row.dateOfBirth,
    row.dateJoined,
    row.availableCredit,
    row.availablePoint,
    row.source,
    row.smsPdpa === null ? null : String(row.smsPdpa),
    row.emailPdpa === null ? null : String(row.emailPdpa),
    String(row.rejected),
    String(row.keyMayRepeat),
  ];
}

const COPY_SPECIAL = /[\\\n\r\t]/;

/** COPY text format: `\N` for null, backslash escapes for the separators. */
function copyText(value: string | null): string {
  if (value === null) return "\\N";
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll("\r", "\\r").replaceAll("\t", "\\t");
}

/** Values whose form the loader produced (numbers, ISO dates, hex, E.164, decimals, booleans): nothing to escape. */
function copyPlain(value: string | number | boolean | null): string {
  return value === null ? "\\N" : String(value);
}

/**
 * One staged row as a COPY line, in COLUMNS order. Written out field by field: at 100k rows the
 * generic array-map-join took 140 ms of the load. Only exported text can hold a tab, newline or
 * backslash; the other columns are values the loader formatted itself.
 */
function copyLine(row: StagedCustomer): string {
  return `${row.rowNo}\t${copyText(row.customerKey)}\t${copyPlain(row.phoneNormalized)}\t${copyText(row.store)}\t${copyText(row.customerName)}\t${copyText(row.contactNumber)}\t${copyText(row.address)}\t${copyText(row.email)}\t${copyPlain(row.dateOfBirth)}\t${copyPlain(row.dateJoined)}\t${copyPlain(row.availableCredit)}\t${copyPlain(row.availablePoint)}\t${copyPlain(row.source)}\t${copyPlain(row.smsPdpa)}\t${copyPlain(row.emailPdpa)}\t${row.rejected}\t${row.keyMayRepeat}\n`;
}

const CHUNK_BYTES = 256 * 1024;

/**
 * The batches as COPY bytes, one chunk per batch or per 256 KiB. Each line is encoded on its own:
 * joined first, one Thai name makes the whole batch a two-byte string, and encoding those took
 * 210 ms of a 100k-row load against 60 ms line by line.
 */
async function* copyChunks(batches: AsyncIterable<StagedCustomer[]>): AsyncGenerator<Buffer> {
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  for await (const batch of batches) {
    for (const row of batch) {
      const line = copyLine(row);
      // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair, 2 units, takes 4), so the
      // line always fits whole: write() would otherwise cut it short.
      if (used + line.length * 3 > chunk.length) {
        if (used > 0) yield chunk.subarray(0, used);
        chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, line.length * 3));
        used = 0;
      }
      used += chunk.write(line, used);
    }
    if (used > 0) {
      yield chunk.subarray(0, used);
      chunk = chunk.subarray(used);
      used = 0;
    }
  }
}

/**
 * Postgres: one COPY FROM STDIN stream, filled while the file is still being parsed. The parse
 * starts before the server has accepted the COPY and fills the stream's buffer (16 batches)
 * meanwhile, so the first rows are ready when it has: that round trip (and any statements still
 * ahead of the COPY, such as the transaction's opening) no longer holds up the parse.
 */
export async function stageByCopy(tx: Sql, batches: AsyncIterable<StagedCustomer[]>): Promise<void> {
  const chunks = Readable.from(copyChunks(batches));
  // A parse error before the pipeline below listens stays on the stream, which pipeline reports.
  chunks.on("error", () => {});
  chunks.read(0);
  let copy;
  try {
    copy = await tx.unsafe(`copy loader_staging (${COLUMNS}) from stdin`).writable();
  } catch (error) {
    chunks.destroy();
    throw error;
  }
  await copyInto(chunks, copy);
}

/** What the server is told, and writes to its log, whenever the loader abandons a COPY. */
export const COPY_ABORT_TEXT = "crm-sync: load aborted";

/**
 * postgres.js answers `destroy(error)` on a COPY stream with a CopyFail message carrying
 * `String(error)`, and the server logs that text ("COPY from stdin failed: …"). A parse error's
 * text can quote a customer's field, so the COPY is never destroyed with the error that caused
 * the abort (as `pipeline()` would do): always with this one.
 */
class CopyAborted extends Error {
  constructor() {
    super(COPY_ABORT_TEXT);
    this.name = "CopyAborted";
  }

  override toString(): string {
    return COPY_ABORT_TEXT;
  }
}

/**
 * Streams the chunks into the COPY with backpressure. Any failure (the parse, validation, the
 * blob read, or the server itself) aborts the COPY with the fixed text, and the caller gets the
 * failure itself, typed as it was thrown.
 */
async function copyInto(chunks: Readable, copy: Writable): Promise<void> {
  // Listened to from the start: an error the server sends mid-COPY must never be an unhandled 'error'.
  const ended = finished(copy);
  ended.catch(() => {});
  try {
    for await (const chunk of chunks) {
      if (!copy.write(chunk)) await Promise.race([once(copy, "drain"), ended]);
    }
    copy.end();
    await ended;
  } catch (error) {
    if (!copy.destroyed) copy.destroy(new CopyAborted());
    throw error;
  }
}

/** PGlite's socket does not carry COPY: one multi-row insert per batch, each column as an array. */
export async function stageByUnnest(tx: Sql, batches: AsyncIterable<StagedCustomer[]>): Promise<void> {
  const width = COLUMNS.split(",").length;
  const params = Array.from({ length: width }, (_, i) => `$${i + 1}::text[]`).join(", ");
  const statement = `
    insert into loader_staging (${COLUMNS})
    select c1::integer, c2, c3, c4, c5, c6, c7, c8, c9::date, c10::date, c11::numeric, c12::numeric, c13, c14::boolean, c15::boolean, c16::boolean, c17::boolean
    from unnest(${params}) as t(${Array.from({ length: width }, (_, i) => `c${i + 1}`).join(", ")})`;
  for await (const batch of batches) {
    const columns: Array<Array<string | null>> = Array.from({ length: width }, () => []);
    for (const row of batch) {
      fieldsOf(row).forEach((value, i) => columns[i]?.push(value));
    }
    await tx.unsafe(statement, columns);
  }
}
