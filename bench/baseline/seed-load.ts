/**
 * The seed system's load method, reproduced as the benchmark baseline: parse the whole export,
 * delete every row, then insert 100 rows per multi-VALUES INSERT, one statement (one round trip,
 * one insert call of the seed's client) at a time, outside any transaction. It writes to its own table with the seed's text columns so
 * it never touches ours. The seed held the whole file in memory, as this does; it is given a real
 * CSV parser (not a split on newlines) so its row count is right: addresses contain line breaks.
 *
 * Usage: node bench/baseline/seed-load.ts <file.csv> <postgres-url>
 */
import { createReadStream } from "node:fs";
import { parse } from "csv-parse";
import postgres from "postgres";

const [file, url] = process.argv.slice(2);
if (file === undefined || url === undefined) {
  process.stderr.write("usage: seed-load.ts <file.csv> <postgres-url>\n");
  process.exit(2);
}

const COLUMNS = [
  "store",
  "customer_name",
  "contact_number",
  "address",
  "email",
  "date_of_birth",
  "date_joined",
  "available_credit",
  "available_point",
  "source",
  "sms_pdpa",
  "email_pdpa",
] as const;

const rows: string[][] = [];
const parser = createReadStream(file).pipe(parse({ bom: true, from_line: 2, relax_column_count: true }));
for await (const record of parser as AsyncIterable<string[]>) rows.push(record);

const sql = postgres(url, { max: 1, onnotice: () => {} });
await sql.unsafe(`create table if not exists public.seed_customers (${COLUMNS.map((c) => `${c} text`).join(", ")}, batch_id text)`);
const batchId = new Date().toISOString();
const deleted = (await sql.unsafe("delete from public.seed_customers")).count;
let inserted = 0;
for (let start = 0; start < rows.length; start += 100) {
  const batch = rows.slice(start, start + 100);
  const params: string[] = [];
  const tuples = batch.map((row) => {
    const placeholders = COLUMNS.map((_, i) => {
      params.push(row[i] ?? "");
      return `$${params.length}`;
    });
    params.push(batchId);
    return `(${placeholders.join(", ")}, $${params.length})`;
  });
  // Prepared: unprepared, postgres.js first asks the server for the parameters' types, a second
  // round trip per batch that would double the baseline's cost through the proxy.
  inserted += (await sql.unsafe(`insert into public.seed_customers (${COLUMNS.join(", ")}, batch_id) values ${tuples.join(", ")}`, params, { prepare: true })).count;
}
await sql.end();
process.stdout.write(`${JSON.stringify({ rows: rows.length, deleted, inserted })}\n`);
