import type { Sql } from "postgres";
import type { ExportRow } from "./export-csv.ts";
/** The old script's table, exactly as the club's database holds it (issue 25). */
export declare const OLD_SCRIPT_TABLE = "\n  create schema if not exists backoffice;\n  create table backoffice.customers (id bigserial primary key, store text, customer_name text,\n    contact_number text, address text, email text, date_of_birth date, date_joined date,\n    available_credit numeric, available_point numeric, source text, sms_pdpa boolean,\n    email_pdpa boolean, batch_id text, update_time timestamptz default now());";
/**
 * A synthetic export of `count` customers with what real exports hold: numbers with and without
 * their leading 0 (some pairs of both, which the portal keeps as two customers), country-code
 * forms, short placeholders, blanks, trailing spaces in names, names repeated with different dates.
 */
export declare function cutoverExport(count: number): ExportRow[];
/** What the old script stored for an exported number: read as a number, so leading zeros (and any non-digit) are gone. */
export declare function oldScriptNumber(phone: string): string | null;
/** The old script's nightly job: the whole export inserted again, stored its way. */
export declare function fillOldScriptTable(sql: Sql, rows: readonly ExportRow[], batchId: string): Promise<void>;
