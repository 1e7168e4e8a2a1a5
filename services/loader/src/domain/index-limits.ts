import { isNameKey } from "./customer-key.ts";
import type { CustomerRow } from "./customer-row.ts";
import type { RowProblem } from "./reject-reason.ts";

/*
 * Postgres refuses a btree index entry larger than about a third of a page: 2,704 bytes with
 * 8 kB pages (Postgres and PGlite alike), counted in bytes after compression (SQLSTATE 54000,
 * "index row size exceeds btree maximum"). Such a row fails the whole load's transaction, and
 * the next daily load the same way, so values that are indexed are limited here, in UTF-8
 * bytes (the portal's field limit counts characters: 1,500 CJK characters are 4,500 bytes,
 * and only repetitive text compresses below the limit).
 *
 * The indexed columns of crm_sync.customers are customer_key (unique), phone_normalized and
 * (customer_name, date_joined). Each limit leaves more than half the btree limit unused, so the
 * entry fits uncompressed with its headers (8-byte index tuple, 4-byte length, the 4-byte date
 * and alignment) and an index may later gain a column without coming near the limit. No real
 * value comes close: 1,000 bytes is 333 Thai or CJK characters or 250 emoji in a name, and
 * numbers are a few dozen characters.
 */

/** customer_name, indexed with date_joined. */
export const MAX_NAME_BYTES = 1000;

/**
 * customer_key and phone_normalized. A name key (`name:` + name + `|` + ISO date) is at most
 * MAX_NAME_BYTES + 16 bytes, so a name within its limit always makes a storable key; only a
 * contact number (the key when it is usable) can make one too long.
 */
export const MAX_KEY_BYTES = 1024;

/** UTF-8 takes at most 3 bytes per UTF-16 unit: shorter text needs no count (the common case, cheaply). */
function overBytes(text: string | null, limit: number): boolean {
  if (text === null || text.length * 3 <= limit) return false;
  return Buffer.byteLength(text, "utf8") > limit;
}

/** What a valid row would put into an index that is too long for it, by the column that carries it. */
export function indexLimitProblems(row: Pick<CustomerRow, "customerName" | "phoneNormalized">, key: string): RowProblem[] {
  const problems: RowProblem[] = [];
  if (overBytes(row.customerName, MAX_NAME_BYTES)) problems.push({ column: "Customer", code: "TOO_LONG_FOR_INDEX" });
  // A name key over the limit means the name is, already named above.
  const numberTooLong = overBytes(row.phoneNormalized, MAX_KEY_BYTES) || (!isNameKey(key) && overBytes(key, MAX_KEY_BYTES));
  if (numberTooLong) problems.push({ column: "Contact Number", code: "TOO_LONG_FOR_INDEX" });
  return problems;
}
