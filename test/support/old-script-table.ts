import type { Sql } from "postgres";
import type { ExportRow } from "./export-csv.ts";

/** The old script's table, exactly as the club's database holds it (issue 25). */
export const OLD_SCRIPT_TABLE = `
  create schema if not exists backoffice;
  create table backoffice.customers (id bigserial primary key, store text, customer_name text,
    contact_number text, address text, email text, date_of_birth date, date_joined date,
    available_credit numeric, available_point numeric, source text, sms_pdpa boolean,
    email_pdpa boolean, batch_id text, update_time timestamptz default now());`;

/**
 * A synthetic export of `count` customers with what real exports hold: numbers with and without
 * their leading 0 (some pairs of both, which the portal keeps as two customers), country-code
 * forms, short placeholders, blanks, trailing spaces in names, names repeated with different dates.
 */
export function cutoverExport(count: number): ExportRow[] {
  return Array.from({ length: count }, (_, i): ExportRow => {
    const subscriber = String(10_000_000 + i).padStart(8, "0");
    const kind = i % 50;
    const phone =
      kind === 1 ? "000" : kind === 2 ? "" : kind === 3 ? "123" : kind === 4 ? `66 8${subscriber}` : kind === 5 ? `9${subscriber}` : `08${subscriber}`;
    return {
      name: kind === 6 ? `Member ${i} Example   ` : `Member ${i} Example`,
      phone,
      email: i % 5 === 0 ? `member${i}@example.com` : "",
      birth: i % 3 === 0 ? "01/01/1990" : "",
      joined: `${String((i % 28) + 1).padStart(2, "0")}/0${(i % 9) + 1}/2022`,
      credit: i % 4 === 0 ? "1,250.00" : "0.00",
      points: `${i % 1000}.50`,
      source: ["Others", "Walk In", "Digital", "N.A."][i % 4] ?? "Others",
      sms: i % 2 === 0 ? "Yes" : "No",
      emailPdpa: i % 3 === 0 ? "Yes" : "No",
    };
  });
}

/** What the old script stored for an exported number: read as a number, so leading zeros (and any non-digit) are gone. */
export function oldScriptNumber(phone: string): string | null {
  const digits = phone.replace(/\D/g, "");
  if (digits === "") return null;
  return digits.replace(/^0+(?=\d)/, "");
}

const isoDate = (text: string) => {
  const [day, month, year] = text.split("/");
  return text === "" ? null : `${year}-${month}-${day}`;
};

/** The old script's nightly job: the whole export inserted again, stored its way. */
export async function fillOldScriptTable(sql: Sql, rows: readonly ExportRow[], batchId: string): Promise<void> {
  const columns = {
    store: rows.map((r) => r.store ?? "LENGOLF"),
    name: rows.map((r) => r.name.trim()),
    phone: rows.map((r) => oldScriptNumber(r.phone)),
    address: rows.map((r) => r.address ?? ""),
    email: rows.map((r) => r.email ?? ""),
    birth: rows.map((r) => isoDate(r.birth ?? "")),
    joined: rows.map((r) => isoDate(r.joined)),
    credit: rows.map((r) => (r.credit ?? "0").replaceAll(",", "")),
    points: rows.map((r) => (r.points ?? "0").replaceAll(",", "")),
    source: rows.map((r) => r.source ?? "Walk In"),
    sms: rows.map((r) => (r.sms ?? "No") === "Yes"),
    emailPdpa: rows.map((r) => (r.emailPdpa ?? "No") === "Yes"),
  };
  await sql`
    insert into backoffice.customers (store, customer_name, contact_number, address, email, date_of_birth, date_joined,
      available_credit, available_point, source, sms_pdpa, email_pdpa, batch_id, update_time)
    select s, n, p, a, e, b::date, j::date, c::numeric, pt::numeric, src, sms, ep, ${batchId}, '2026-12-05T19:00:05Z'::timestamptz
    from unnest(${sql.array(columns.store)}::text[], ${sql.array(columns.name)}::text[], ${sql.array(columns.phone as string[])}::text[],
                ${sql.array(columns.address)}::text[], ${sql.array(columns.email)}::text[], ${sql.array(columns.birth as string[])}::text[],
                ${sql.array(columns.joined as string[])}::text[], ${sql.array(columns.credit)}::text[], ${sql.array(columns.points)}::text[],
                ${sql.array(columns.source)}::text[], ${sql.array(columns.sms)}::boolean[], ${sql.array(columns.emailPdpa)}::boolean[])
      as t(s, n, p, a, e, b, j, c, pt, src, sms, ep)`;
}
