import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CSV_HEADER } from "@crm-sync/contracts";
import type { Database } from "@crm-sync/db";
import { DEFAULT_GUARD_LIMITS } from "../src/domain/guards.ts";
import { BACKENDS, changeCount, customers, dumpCustomers, loadBytes, rowHashes } from "./support/backends.ts";
import { exportCsv, exportLine, syntheticCustomer, type ExportedCustomer } from "./support/synthetic-export.ts";

const SAMPLE = readFileSync(new URL("../../../test/fixtures/customer-management-sample.csv", import.meta.url));
const base = (count: number): ExportedCustomer[] => Array.from({ length: count }, (_, i) => syntheticCustomer(i));

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`loading exports into ${backend.name}`, () => {
    let db: Database;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ db, close } = await backend.open());
    });
    afterEach(async () => {
      await close();
    });

    it("loads the portal sample under the default limits: names trimmed, numbers kept as exported, every row a customer", async () => {
      const result = await loadBytes(db, SAMPLE, { runId: "run-sample-1", limits: DEFAULT_GUARD_LIMITS });
      expect(result).toMatchObject({
        status: "loaded",
        counts: { rows: 30, inserted: 30, updated: 0, unchanged: 0, softDeleted: 0, revived: 0, rejected: 0 },
      });
      const rows = await customers(db);
      expect(rows).toHaveLength(30);
      expect(rows.find((r) => r.customer_name === "สมศรี ชัยศรี")).toMatchObject({ contact_number: "601869387", customer_key: "601869387", phone_normalized: "+66601869387" });
      expect(rows.find((r) => r.contact_number === "66941952642")).toMatchObject({ customer_key: "66941952642", phone_normalized: "+66941952642", date_joined: "2024-03-21" });
      // 690500363 / 0690500363 and 0925984535 / 925984535 are different people in the portal:
      // each is its own customer, keyed by the number as exported, sharing a normalized number.
      const pairs = rows
        .filter((r) => r.phone_normalized === "+66690500363" || r.phone_normalized === "+66925984535")
        .map((r) => [r.customer_key, r.customer_name])
        .sort(([a = ""], [b = ""]) => a.localeCompare(b));
      expect(pairs).toEqual([
        ["0690500363", "Henry M. Wrightworth"],
        ["0925984535", "ธีรวัฒน์ ชัยสวัสดิ์"],
        ["690500363", "Emma Wangwood"],
        ["925984535", "David Kimwood"],
      ]);
      expect(rows.every((r) => r.batch_id === "run-sample-1")).toBe(true);
      expect(await changeCount(db)).toBe(30);

      const again = await loadBytes(db, SAMPLE, { runId: "run-sample-2", limits: DEFAULT_GUARD_LIMITS });
      expect(again.counts).toEqual({ rows: 30, inserted: 0, updated: 0, unchanged: 30, softDeleted: 0, revived: 0, rejected: 0 });
    });

    it("applies a second export: updates, new and vanished customers, and a changed number on the same row", async () => {
      const first = base(40);
      await loadBytes(db, exportCsv(first), { runId: "run-a" });
      const before = await customers(db);
      const second = first.map((c) => ({ ...c }));
      second[0] = { ...second[0]!, points: "12345.67" };
      second[2] = { ...second[2]!, phone: "0899999999" };
      second.splice(5, 1);
      second.push(syntheticCustomer(100));

      const result = await loadBytes(db, exportCsv(second), { runId: "run-b" });
      expect(result.counts).toEqual({ rows: 40, inserted: 1, updated: 2, unchanged: 37, softDeleted: 1, revived: 0, rejected: 0 });
      const after = await customers(db);
      const byName = (rows: typeof after, name: string) => rows.find((r) => r.customer_name === name);
      expect(byName(after, first[0]!.name)).toMatchObject({ available_point: "12345.67", batch_id: "run-b" });
      expect(byName(after, first[2]!.name)).toMatchObject({ id: byName(before, first[2]!.name)?.id, contact_number: "0899999999", customer_key: "0899999999" });
      expect(byName(after, first[5]!.name)?.deleted_at).toBeInstanceOf(Date);
      expect(byName(after, first[1]!.name)?.batch_id).toBe("run-a");
      expect(after.filter((r) => r.deleted_at === null)).toHaveLength(40);
    });

    it("revives a returning customer on its old row", async () => {
      const all = base(30);
      await loadBytes(db, exportCsv(all));
      await loadBytes(db, exportCsv(all.filter((_, i) => i !== 3)));
      const gone = (await customers(db)).find((r) => r.customer_name === all[3]!.name);
      expect(gone?.deleted_at).toBeInstanceOf(Date);

      const back = all.map((c, i) => (i === 3 ? { ...c, points: "1.00" } : c));
      const result = await loadBytes(db, exportCsv(back), { runId: "run-revive" });
      expect(result.counts).toMatchObject({ rows: 30, revived: 1, updated: 0, inserted: 0, unchanged: 29 });
      const revived = (await customers(db)).find((r) => r.customer_name === all[3]!.name);
      expect(revived).toMatchObject({ id: gone?.id, deleted_at: null, available_point: "1.00", batch_id: "run-revive" });
    });

    it("keys placeholder numbers by name and date joined, and rejects both rows of a duplicated number", async () => {
      const rows = base(20);
      rows[0] = { ...rows[0]!, phone: "0" };
      rows[1] = { ...rows[1]!, phone: "0000000" };
      rows[2] = { ...rows[2]!, phone: rows[3]!.phone };
      const result = await loadBytes(db, exportCsv(rows), { limits: { maxRejectRatio: 0.2, maxDeleteRatio: 0.1 } });
      expect(result.counts).toMatchObject({ rows: 20, inserted: 18, rejected: 2 });
      const loaded = await customers(db);
      expect(loaded.find((r) => r.customer_name === rows[0]!.name)).toMatchObject({ contact_number: "0", phone_normalized: null, customer_key: `name:${rows[0]!.name}|2022-01-01` });
      expect(loaded.find((r) => r.customer_name === rows[1]!.name)).toMatchObject({ contact_number: "0000000", phone_normalized: null });
      expect(loaded.some((r) => r.customer_name === rows[2]!.name || r.customer_name === rows[3]!.name)).toBe(false);
    });

    it("rejects both rows of a number text exported twice, even with spaces around one of them", async () => {
      const rows = base(20);
      rows[2] = { ...rows[2]!, phone: ` ${rows[3]!.phone} ` };
      const result = await loadBytes(db, exportCsv(rows), { limits: { maxRejectRatio: 0.2, maxDeleteRatio: 0.1 } });
      expect(result.counts).toMatchObject({ rows: 20, inserted: 18, rejected: 2 });
    });

    it("keeps a number with and without its leading 0 as two customers", async () => {
      const rows = base(20);
      rows[2] = { ...rows[2]!, phone: rows[3]!.phone.slice(1) };
      const result = await loadBytes(db, exportCsv(rows), { limits: DEFAULT_GUARD_LIMITS });
      expect(result.counts).toMatchObject({ rows: 20, inserted: 20, rejected: 0 });
      const loaded = await customers(db);
      expect(loaded.find((r) => r.customer_name === rows[2]!.name)).toMatchObject({ customer_key: rows[3]!.phone.slice(1), phone_normalized: `+66${rows[3]!.phone.slice(1)}` });
      expect(loaded.find((r) => r.customer_name === rows[3]!.name)).toMatchObject({ customer_key: rows[3]!.phone, phone_normalized: `+66${rows[3]!.phone.slice(1)}` });
    });

    it("updates the same row when a customer's number loses its leading 0 in the next export", async () => {
      const rows = base(30);
      await loadBytes(db, exportCsv(rows));
      const before = (await customers(db)).find((r) => r.customer_name === rows[4]!.name);
      const next = rows.map((c, i) => (i === 4 ? { ...c, phone: c.phone.slice(1) } : c));
      const result = await loadBytes(db, exportCsv(next), { limits: DEFAULT_GUARD_LIMITS });
      expect(result.counts).toEqual({ rows: 30, inserted: 0, updated: 1, unchanged: 29, softDeleted: 0, revived: 0, rejected: 0 });
      expect((await customers(db)).find((r) => r.customer_name === rows[4]!.name)).toMatchObject({
        id: before?.id,
        contact_number: rows[4]!.phone.slice(1),
        customer_key: rows[4]!.phone.slice(1),
        phone_normalized: before?.phone_normalized,
        deleted_at: null,
      });
    });

    it("moves a table keyed by normalized numbers to exported-text keys as one update per customer, on the same rows", async () => {
      const rows = base(30);
      rows[0] = { ...rows[0]!, phone: "" };
      rows[1] = { ...rows[1]!, phone: rows[1]!.phone.slice(1) };
      await loadBytes(db, exportCsv(rows));
      // What the loader wrote before identity followed the exported text.
      await db.sql`update crm_sync.customers set customer_key = phone_normalized where phone_normalized is not null`;
      const before = await customers(db);

      const result = await loadBytes(db, exportCsv(rows), { limits: DEFAULT_GUARD_LIMITS });
      expect(result.counts).toEqual({ rows: 30, inserted: 0, updated: 29, unchanged: 1, softDeleted: 0, revived: 0, rejected: 0 });
      const after = await customers(db);
      expect(after.map((r) => r.id).sort()).toEqual(before.map((r) => r.id).sort());
      expect(after.find((r) => r.customer_name === rows[1]!.name)?.customer_key).toBe(rows[1]!.phone);
      expect(after.every((r) => r.customer_key === (r.phone_normalized === null ? `name:${r.customer_name}|${r.date_joined}` : r.contact_number))).toBe(true);
    });

    it("rejects a row with characters Postgres cannot store as that row only", async () => {
      const rows = base(30);
      rows[7] = { ...rows[7]!, name: "Member\u0000 Seven", address: "1 Moo\u00002" };
      const result = await loadBytes(db, exportCsv(rows), { limits: { maxRejectRatio: 0.05, maxDeleteRatio: 0.1 } });
      expect(result.counts).toMatchObject({ rows: 30, inserted: 29, rejected: 1 });
    });

    it("stages long Thai text, tabs and backslashes byte for byte, across many COPY chunks and in a line larger than one", async () => {
      // 300 addresses of ~3,900 Thai characters (~11.7 kB each in UTF-8) span many staging
      // chunks; the rejected row's 100,000-character name needs a chunk of its own.
      const thai = "บ้านเลขที่ ถนนสุขุมวิท\tแขวง\\เขต ";
      const rows = base(300).map((c, i) => ({ ...c, address: `${i} ${thai.repeat(130)}`.slice(0, 3900) }));
      const result = await loadBytes(db, exportCsv(rows), { limits: { maxRejectRatio: 0.05, maxDeleteRatio: 0.1 } });
      expect(result.counts).toMatchObject({ rows: 300, inserted: 300, rejected: 0 });
      const stored = await db.sql<Array<{ customer_name: string; address: string }>>`select customer_name, address from crm_sync.customers`;
      const addresses = new Map(stored.map((r) => [r.customer_name, r.address]));
      expect(rows.filter((c) => addresses.get(c.name) !== c.address?.trim())).toEqual([]);

      const next = rows.map((c, i) => (i === 9 ? { ...c, name: "ส".repeat(100_000) } : c));
      const again = await loadBytes(db, exportCsv(next), { limits: { maxRejectRatio: 0.05, maxDeleteRatio: 0.1 } });
      // Staged intact, the rejected row still names its customer by number: nobody is soft-deleted.
      expect(again.counts).toEqual({ rows: 300, inserted: 0, updated: 0, unchanged: 299, softDeleted: 0, revived: 0, rejected: 1 });
    });

    it("does not soft-delete a customer whose number appears twice in the next export", async () => {
      const rows = base(30);
      await loadBytes(db, exportCsv(rows));
      const next = rows.map((c, i) => (i === 4 ? { ...c, phone: rows[5]!.phone } : c));
      const result = await loadBytes(db, exportCsv(next));
      expect(result.counts).toMatchObject({ rows: 30, rejected: 2, softDeleted: 0, unchanged: 28 });
    });

    it("writes zero customer rows when the export equals the table", async () => {
      const file = exportCsv(base(50));
      await loadBytes(db, file);
      const before = await dumpCustomers(db);
      const changes = await changeCount(db);
      const result = await loadBytes(db, file);
      expect(result.counts).toEqual({ rows: 50, inserted: 0, updated: 0, unchanged: 50, softDeleted: 0, revived: 0, rejected: 0 });
      expect(await dumpCustomers(db)).toBe(before);
      expect(await changeCount(db)).toBe(changes);
    });

    it("updates a customer when any exported column changes, to or from blank, and not when a value is only written differently", async () => {
      const rows = base(20);
      await loadBytes(db, exportCsv(rows));
      const hashesBefore = await rowHashes(db);
      const changed: Array<[number, Partial<ExportedCustomer>]> = [
        [0, { address: "1 Example Road" }],
        [5, { email: "" }],
        [2, { birth: "01/02/1990" }],
        [3, { joined: "01/01/2021" }],
        [4, { credit: "1,000.00" }],
        [6, { source: "Digital" }],
        [7, { sms: rows[7]!.sms === "Yes" ? "No" : "Yes" }],
        [8, { emailPdpa: "Yes" }],
        [9, { name: "Member 9 Renamed" }],
      ];
      const reformatted: Array<[number, Partial<ExportedCustomer>]> = [
        [10, { name: `  ${rows[10]!.name}  ` }],
        [11, { points: "11.5" }],
        [12, { credit: "0", points: "12.50" }],
        [13, { joined: rows[13]!.joined.replace(/^0/, "") }],
      ];
      const next = rows.map((c, i) => ({ ...c, ...[...changed, ...reformatted].find(([index]) => index === i)?.[1] }));
      const result = await loadBytes(db, exportCsv(next), { limits: DEFAULT_GUARD_LIMITS });
      expect(result.counts).toEqual({ rows: 20, inserted: 0, updated: changed.length, unchanged: 20 - changed.length, softDeleted: 0, revived: 0, rejected: 0 });
      const hashesAfter = await rowHashes(db);
      const differs = rows.map((c) => hashesAfter.get(c.phone) !== hashesBefore.get(c.phone));
      expect(differs).toEqual(rows.map((_, i) => changed.some(([index]) => index === i)));
    });

    it("recomputes, in its migration, only row hashes of the old kind, and to the loader's own", async () => {
      const rows = base(20);
      await loadBytes(db, exportCsv(rows));
      const written = await rowHashes(db);
      // Written for the table when it was backoffice.customers; 20261206120000 moved it to crm_sync.
      const recompute = readFileSync(new URL("../../../supabase/migrations/20261127230000_customers_row_hash_from_content.sql", import.meta.url), "utf8")
        .replaceAll("backoffice.customers", "crm_sync.customers");
      expect((await db.sql.unsafe(recompute)).count).toBe(0);
      await db.sql`update crm_sync.customers set row_hash = 'computed by an earlier loader' where customer_key in ${db.sql([rows[1]!.phone, rows[4]!.phone])}`;
      expect((await db.sql.unsafe(recompute)).count).toBe(2);
      expect(await rowHashes(db)).toEqual(written);
    });

    describe("guards leave the table exactly as it was", () => {
      const loaded = base(40);
      beforeEach(async () => {
        await loadBytes(db, exportCsv(loaded));
      });

      it.each([
        ["a header-only export", () => Buffer.from(`\uFEFF${CSV_HEADER}`), "EXPORT_EMPTY"],
        ["an empty file", () => Buffer.alloc(0), "EXPORT_EMPTY"],
        ["a renamed column", () => Buffer.from(exportCsv(loaded).toString().replace('"Customer"', '"Customer Name"')), "CSV_HEADER_MISMATCH"],
        ["a file ending inside a quote", () => Buffer.concat([exportCsv(loaded), Buffer.from('\n"LENGOLF","Open quote')]), "EXPORT_INCOMPLETE"],
        ["too many invalid rows", () => exportCsv(loaded.map((c, i) => (i < 3 ? { ...c, joined: "31/02/2022" } : c))), "REJECT_RATIO_EXCEEDED"],
        ["too many ragged rows", () => Buffer.from(`${exportCsv(loaded.slice(0, 30)).toString()}\n${exportLine(loaded[30]!).split(",").slice(0, 5).join(",")}\n${exportLine(loaded[31]!)}`), "REJECT_RATIO_EXCEEDED"],
        ["a file cut after a field", () => Buffer.from(`${exportCsv(loaded.slice(0, 39)).toString()}\n${exportLine(loaded[39]!).split(",").slice(0, 5).join(",")}`), "EXPORT_INCOMPLETE"],
      ])("refuses %s", async (_what, bytes, code) => {
        const before = await dumpCustomers(db);
        await expect(loadBytes(db, bytes(), { limits: { maxRejectRatio: 0.01, maxDeleteRatio: 0.5 } })).rejects.toMatchObject({ code });
        expect(await dumpCustomers(db)).toBe(before);
      });

      it("holds a mass delete, then applies it once approved", async () => {
        const before = await dumpCustomers(db);
        const shrunk = exportCsv(loaded.slice(0, 30));
        await expect(loadBytes(db, shrunk)).rejects.toMatchObject({ code: "MASS_DELETE_HELD", retryable: false });
        expect(await dumpCustomers(db)).toBe(before);
        const approved = await loadBytes(db, shrunk, { allowMassDelete: true });
        expect(approved.counts).toMatchObject({ rows: 30, softDeleted: 10, unchanged: 30 });
      });
    });

    it("rolls back a crash between the diff and the commit, and the retry loads cleanly", async () => {
      const first = base(30);
      await loadBytes(db, exportCsv(first));
      const before = await dumpCustomers(db);
      const changes = await changeCount(db);
      const next = exportCsv([...first.slice(1), syntheticCustomer(500)].map((c, i) => (i === 0 ? { ...c, points: "7.00" } : c)));

      await expect(
        loadBytes(db, next, {
          runId: "run-crash",
          beforeCommit: () => {
            throw new Error("injected crash before commit");
          },
        }),
      ).rejects.toThrow();
      expect(await dumpCustomers(db)).toBe(before);
      expect(await changeCount(db)).toBe(changes);

      const retried = await loadBytes(db, next, { runId: "run-crash" });
      expect(retried).toMatchObject({ status: "loaded", counts: { rows: 30, inserted: 1, updated: 1, softDeleted: 1, unchanged: 28 } });
    });

    it("computes a dry run without writing anything", async () => {
      await loadBytes(db, exportCsv(base(20)));
      const before = await dumpCustomers(db);
      const result = await loadBytes(db, exportCsv([...base(19), syntheticCustomer(77)]), { dryRun: true });
      expect(result).toMatchObject({ status: "dry-run", counts: { inserted: 1, softDeleted: 1, unchanged: 19 } });
      expect(result.status === "dry-run" && result.sample.map((entry) => entry.change).sort()).toEqual(["insert", "soft delete"]);
      expect(JSON.stringify(result)).not.toContain(syntheticCustomer(77).phone.slice(2));
      expect(await dumpCustomers(db)).toBe(before);
    });
  });
}
