import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { parse } from "csv-parse";
import type { Database } from "@crm-sync/db";

/**
 * The test's own answer to "what must the customer table hold after loading this export",
 * computed from the export file with nothing of the loader's: its own CSV reading, its own
 * identity rule (DESIGN.md "Identity"), its own formatting of each column. The table is then
 * read back column by column and both sides are reduced to the same order-free digest, so a
 * million rows compare without holding either side in memory.
 */

export interface CustomerSetDigest {
  /** Active customers (rows). */
  active: number;
  /** The rows' SHA-256 prefixes summed in four 32-bit lanes: independent of row order, sensitive to every column. */
  digest: string;
}

export interface ExportOracle extends CustomerSetDigest {
  /** Data records in the file. */
  records: number;
  /** Records the loader must refuse: every record whose identity occurs more than once in the file. */
  duplicates: number;
}

const HEADER = ["Store", "Customer", "Contact Number", "Address", "Email", "Date of Birth", "Date Joined", "Available Credit", "Available Point", "Source", "SMS PDPA", "Email PDPA"];

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

/**
 * An order-free digest of a multiset of lines: each line's SHA-256, its first 128 bits added lane
 * by lane (mod 2^32). Plain numbers, not BigInt: a million rows cost the hashing, little else.
 */
class SetDigest {
  private readonly lanes = new Uint32Array(4);
  add(line: string): void {
    this.addHash(createHash("sha256").update(line).digest(), 0);
  }
  /** Adds the 128 bits at `offset` of `words` (a line's hash kept earlier). */
  addHash(hash: Buffer | Uint32Array, offset: number): void {
    for (let i = 0; i < 4; i++) {
      const word = Buffer.isBuffer(hash) ? hash.readUInt32BE(i * 4) : (hash[offset + i] ?? 0);
      this.lanes[i] = ((this.lanes[i] ?? 0) + word) >>> 0;
    }
  }
  hex(): string {
    return [...this.lanes].map((lane) => lane.toString(16).padStart(8, "0")).join("");
  }
}

/** Each identity's record count and its first record's hash, in flat typed arrays (a million identities fit in ~20 MB plus the keys). */
class IdentityTable {
  readonly index = new Map<string, number>();
  counts = new Uint32Array(1 << 16);
  hashes = new Uint32Array(4 << 16);
  size = 0;
  see(key: string, line: () => string): void {
    const at = this.index.get(key);
    if (at !== undefined) {
      this.counts[at] = (this.counts[at] ?? 0) + 1;
      return;
    }
    if (this.size === this.counts.length) {
      const counts = new Uint32Array(this.counts.length * 2);
      counts.set(this.counts);
      this.counts = counts;
      const hashes = new Uint32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    const hash = createHash("sha256").update(line()).digest();
    for (let i = 0; i < 4; i++) this.hashes[this.size * 4 + i] = hash.readUInt32BE(i * 4);
    this.counts[this.size] = 1;
    this.index.set(key, this.size);
    this.size += 1;
  }
}

/** Reads the export (the bytes the scraper stored) and computes what the table must hold. */
export async function oracleFromExport(body: Readable | AsyncIterable<Uint8Array>): Promise<ExportOracle> {
  // One read: each identity's count and its first record's hash; a million rows cost a map of
  // keys and two typed arrays, not the rows.
  const identities = new IdentityTable();
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
    identities.see(identity(record), () => exportLine(record));
  }
  const sum = new SetDigest();
  let active = 0;
  let duplicates = 0;
  for (let at = 0; at < identities.size; at++) {
    const count = identities.counts[at] ?? 0;
    if (count > 1) {
      duplicates += count;
      continue;
    }
    active += 1;
    sum.addHash(identities.hashes, at * 4);
  }
  return { records, duplicates, active, digest: sum.hex() };
}

/** The customers a plain reader sees (the backoffice.customers view of active rows), every exported column, digested like the oracle. */
export async function tableDigest(db: Database): Promise<CustomerSetDigest> {
  const sum = new SetDigest();
  let active = 0;
  const cursor = db.sql<Array<Record<string, string | null>>>`
    select store, customer_name, contact_number, address, email,
           date_of_birth::text as date_of_birth, date_joined::text as date_joined,
           available_credit::text as available_credit, available_point::text as available_point,
           source, sms_pdpa::text as sms_pdpa, email_pdpa::text as email_pdpa
    from backoffice.customers`.cursor(10_000);
  for await (const rows of cursor) {
    for (const row of rows) {
      const columns = [
        row["store"], row["customer_name"], row["contact_number"], row["address"], row["email"], row["date_of_birth"], row["date_joined"],
        row["available_credit"], row["available_point"], row["source"], row["sms_pdpa"], row["email_pdpa"],
      ].map((value) => value ?? "");
      sum.add(canonical(columns));
      active += 1;
    }
  }
  return { active, digest: sum.hex() };
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
