import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { parse } from "csv-parse";
import type { Database } from "@crm-sync/db";

/**
 * The test's own answer to "what must backoffice.customers hold after loading this export",
 * computed from the export file with nothing of the loader's: its own CSV reading, its own
 * identity rule (DESIGN.md "Identity"), its own formatting of each column. The table is then
 * read back column by column and both sides are reduced to the same order-free digest, so a
 * million rows compare without holding either side in memory.
 */

export interface CustomerSetDigest {
  /** Active customers (rows). */
  active: number;
  /** Sum of the rows' SHA-256 prefixes mod 2^128: independent of row order, sensitive to every column. */
  digest: string;
}

export interface ExportOracle extends CustomerSetDigest {
  /** Data records in the file. */
  records: number;
  /** Records the loader must refuse: every record whose identity occurs more than once in the file. */
  duplicates: number;
}

const HEADER = ["Store", "Customer", "Contact Number", "Address", "Email", "Date of Birth", "Date Joined", "Available Credit", "Available Point", "Source", "SMS PDPA", "Email PDPA"];
const MOD = 1n << 128n;

/** dd/mm/yyyy as an ISO date; blank stays blank. */
function isoDate(text: string): string {
  const value = text.trim();
  if (value === "") return "";
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
  if (match === null) throw new Error(`oracle: unexpected date format in the export (column value not shown)`);
  return `${match[3]}-${match[2]}-${match[1]}`;
}

const money = (text: string) => (text.trim() === "" ? "" : Number(text.trim()).toFixed(2));
const yesNo = (text: string) => (text.trim() === "" ? "" : String(text.trim() === "Yes"));

/**
 * One customer as a line of tab-free text, the same for the export and the table. Blank and
 * NULL are one value: whether the loader keeps an empty address as '' or NULL is not what
 * "the table equals the export" is about.
 */
function canonical(columns: readonly string[]): string {
  return columns.map((value) => value.replaceAll("\\", "\\\\").replaceAll("\t", "\\t")).join("\t");
}

function exportLine(record: readonly string[]): string {
  const [store = "", name = "", phone = "", address = "", email = "", birth = "", joined = "", credit = "", points = "", source = "", sms = "", emailPdpa = ""] = record;
  return canonical([store, name.trim(), phone, address, email, isoDate(birth), isoDate(joined), money(credit), money(points), source, yesNo(sms), yesNo(emailPdpa)]);
}

/**
 * The portal's key: the contact number text when it can be a phone number at all (8+ digits,
 * not all zeros), otherwise name + date joined. Deliberately simpler than the loader's Thai
 * phone rules: for these exports the two agree, and a disagreement shows up as a failed check.
 */
function identity(record: readonly string[]): string {
  const phone = (record[2] ?? "").trim();
  const digits = phone.replace(/\D/g, "");
  if (digits.length >= 8 && !/^0+$/.test(digits)) return `phone:${phone}`;
  return `name:${(record[1] ?? "").trim()}|${isoDate(record[6] ?? "")}`;
}

function lineHash(line: string): bigint {
  return BigInt(`0x${createHash("sha256").update(line).digest("hex").slice(0, 32)}`);
}

const hex = (sum: bigint) => sum.toString(16).padStart(32, "0");

/** Reads the export (the bytes the scraper stored) and computes what the table must hold. */
export async function oracleFromExport(body: Readable | AsyncIterable<Uint8Array>): Promise<ExportOracle> {
  // Two passes over one read: the first keeps only each identity's count and line hash, so a
  // million rows cost a map of hashes, not of rows.
  const byIdentity = new Map<string, { count: number; hash: bigint }>();
  let records = 0;
  let header = true;
  const parser = Readable.from(body).pipe(parse({ bom: true, relax_column_count: false }));
  for await (const record of parser as AsyncIterable<string[]>) {
    if (header) {
      if (JSON.stringify(record) !== JSON.stringify(HEADER)) throw new Error("oracle: the export's header is not the portal's");
      header = false;
      continue;
    }
    records += 1;
    const key = identity(record);
    const seen = byIdentity.get(key);
    if (seen === undefined) byIdentity.set(key, { count: 1, hash: lineHash(exportLine(record)) });
    else seen.count += 1;
  }
  let sum = 0n;
  let active = 0;
  let duplicates = 0;
  for (const { count, hash } of byIdentity.values()) {
    if (count > 1) {
      duplicates += count;
      continue;
    }
    active += 1;
    sum = (sum + hash) % MOD;
  }
  return { records, duplicates, active, digest: hex(sum) };
}

/** The active customers as the table holds them, every exported column, digested like the oracle. */
export async function tableDigest(db: Database): Promise<CustomerSetDigest> {
  let sum = 0n;
  let active = 0;
  const cursor = db.sql<Array<Record<string, string | null>>>`
    select store, customer_name, contact_number, address, email,
           date_of_birth::text as date_of_birth, date_joined::text as date_joined,
           available_credit::text as available_credit, available_point::text as available_point,
           source, sms_pdpa::text as sms_pdpa, email_pdpa::text as email_pdpa
    from backoffice.customers where deleted_at is null`.cursor(10_000);
  for await (const rows of cursor) {
    for (const row of rows) {
      const columns = [
        row["store"], row["customer_name"], row["contact_number"], row["address"], row["email"], row["date_of_birth"], row["date_joined"],
        row["available_credit"], row["available_point"], row["source"], row["sms_pdpa"], row["email_pdpa"],
      ].map((value) => value ?? "");
      sum = (sum + lineHash(canonical(columns))) % MOD;
      active += 1;
    }
  }
  return { active, digest: hex(sum) };
}

/** The export a run stored, streamed from the GCS test server's JSON API. */
export async function storedExport(gcsUrl: string, bucket: string, runId: string): Promise<{ name: string; body: AsyncIterable<Uint8Array> }> {
  const listing = await fetch(`${gcsUrl}/storage/v1/b/${bucket}/o?prefix=exports/`);
  if (!listing.ok) throw new Error(`listing the exports answered ${listing.status}`);
  const items = ((await listing.json()) as { items?: Array<{ name: string }> }).items ?? [];
  const name = items.map((item) => item.name).find((item) => item.endsWith(`/${runId}.csv`));
  if (name === undefined) throw new Error(`no export stored for run ${runId}`);
  const response = await fetch(`${gcsUrl}/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}?alt=media`);
  if (!response.ok || response.body === null) throw new Error(`reading ${name} answered ${response.status}`);
  return { name, body: response.body as unknown as AsyncIterable<Uint8Array> };
}

/** The oracle of the export a run stored. */
export async function oracleOfRun(gcsUrl: string, runId: string): Promise<ExportOracle> {
  const { body } = await storedExport(gcsUrl, "crm-sync-exports", runId);
  return oracleFromExport(body);
}
