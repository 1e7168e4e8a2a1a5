import type { CSV_COLUMNS } from "@crm-sync/contracts/csv-header";

/**
 * Why a row was rejected, as a stable code: logs, the load's result and the CLI print these,
 * with the row number and the column, never the value (it is customer data).
 */
export const REJECT_CODES = [
  /** The record has more or fewer fields than the header. */
  "WRONG_FIELD_COUNT",
  /** Postgres text cannot hold NUL: storing it would fail the whole load, not just the row. */
  "NUL_CHARACTER",
  /** Longer than MAX_FIELD_CHARS characters. */
  "FIELD_TOO_LONG",
  /** Longer in UTF-8 bytes than an indexed or key column may be (see index-limits.ts). */
  "TOO_LONG_FOR_INDEX",
  "BLANK",
  "NOT_A_DATE",
  "NOT_AN_AMOUNT",
  "UNKNOWN_SOURCE",
  "NOT_YES_NO",
  /** The customer key occurs more than once in the file: every row carrying it is rejected. */
  "DUPLICATE_KEY",
] as const;
export type RejectCode = (typeof REJECT_CODES)[number];

export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** One reason a row was rejected: the column (null when the record as a whole is wrong) and the rule it broke. */
export interface RowProblem {
  column: CsvColumn | null;
  code: RejectCode;
}

/** A problem of a given row of the file (1-based among its data records). */
export interface RowReject extends RowProblem {
  row: number;
}

/** How many times a problem occurred in one load. */
export interface ReasonCount extends RowProblem {
  count: number;
}

/** How many rejected rows' problems a load lists one by one; the rest are only counted. */
export const LISTED_REJECTS = 100;

/**
 * What a load tells about its rejected rows: no values, only where and why. Counts are a list,
 * not an object keyed by column: the log scrubber redacts values under keys such as
 * "Contact Number" or "Date of Birth".
 */
export interface RejectReport {
  /** Problems counted by column and code (a row may have several), over every rejected row. */
  reasons: ReasonCount[];
  /** The first LISTED_REJECTS problems in row order. */
  rows: RowReject[];
}

export const NO_REJECTS: RejectReport = { reasons: [], rows: [] };

/** Counts problems and keeps the first LISTED_REJECTS of them, row by row. */
export class RejectTally {
  readonly #counts = new Map<string, ReasonCount>();
  readonly #rows: RowReject[] = [];

  add(row: number, problem: RowProblem): void {
    this.#count({ ...problem, count: 1 });
    if (this.#rows.length < LISTED_REJECTS) this.#rows.push({ row, column: problem.column, code: problem.code });
  }

  /** Adds another report's counts and listed rows. */
  merge(report: RejectReport): void {
    for (const reason of report.reasons) this.#count(reason);
    this.#rows.push(...report.rows);
  }

  #count(reason: ReasonCount): void {
    const key = `${reason.column ?? ""}|${reason.code}`;
    const counted = this.#counts.get(key);
    if (counted === undefined) this.#counts.set(key, { ...reason });
    else counted.count += reason.count;
  }

  report(): RejectReport {
    const rows = [...this.#rows].sort((a, b) => a.row - b.row).slice(0, LISTED_REJECTS);
    return { reasons: [...this.#counts.values()].map((reason) => ({ ...reason })), rows };
  }
}
