import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "@crm-sync/db";
import { BACKENDS, customers, loadBytes } from "./support/backends.ts";
import { contentHash, contentJson } from "../src/store/customer-content.ts";
import { exportCsv, syntheticCustomer, type ExportedCustomer } from "./support/synthetic-export.ts";

const base = (count: number): ExportedCustomer[] => Array.from({ length: count }, (_, i) => syntheticCustomer(i));

interface Change {
  customer_key: string;
  kind: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

async function changesOf(db: Database, runId: string): Promise<Change[]> {
  return await db.sql<Change[]>`select customer_key, kind, before, after from crm_sync.customer_changes where run_id = ${runId} order by customer_key`;
}

/** Each row's content, key and deleted_at as the change log names them, by key. */
async function contentByKey(db: Database): Promise<Map<unknown, Record<string, unknown>>> {
  const rows = await db.sql.unsafe<Array<{ content: Record<string, unknown> }>>(
    `select ${contentJson("c")} || jsonb_build_object('customer_key', c.customer_key, 'deleted_at', c.deleted_at) as content from crm_sync.customers c`,
  );
  return new Map(rows.map(({ content }) => [content["customer_key"], content]));
}

async function indexDefinitions(db: Database): Promise<string[]> {
  const rows = await db.sql<Array<{ definition: string }>>`
    select indexdef as definition from pg_indexes where schemaname = 'crm_sync' and tablename = 'customers' order by indexname`;
  return rows.map((row) => row.definition);
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`the write path on ${backend.name}`, () => {
    let db: Database;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ db, close } = await backend.open());
    });
    afterEach(async () => {
      await close();
    });

    it("loads into an empty table with every index back as it was defined, and logs each insert's content", async () => {
      const indexes = await indexDefinitions(db);
      expect(indexes.length).toBeGreaterThanOrEqual(7);
      const result = await loadBytes(db, exportCsv(base(300)), { runId: "first" });
      expect(result.counts).toMatchObject({ rows: 300, inserted: 300 });
      expect(await indexDefinitions(db)).toEqual(indexes);
      // The rebuilt unique index still refuses a second row with a key already held.
      await expect(db.sql`insert into crm_sync.customers (store, customer_name, customer_key, row_hash, first_seen_run)
                          select store, customer_name, customer_key, row_hash, 'x' from crm_sync.customers limit 1`).rejects.toThrow();
      const changes = await changesOf(db, "first");
      expect(changes).toHaveLength(300);
      const member = syntheticCustomer(7);
      expect(changes.find((c) => c.customer_key === member.phone)).toMatchObject({
        kind: "insert",
        before: null,
        after: { customer_key: member.phone, customer_name: member.name, contact_number: member.phone, available_point: 7.5, store: expect.any(String) },
      });
      // row_hash is the md5 of the content the change log records (without the key).
      const [row] = await db.sql<Array<{ matches: boolean }>>`
        select bool_and(c.row_hash = md5((l.after - 'customer_key')::text)) as matches
        from crm_sync.customers c join crm_sync.customer_changes l on l.customer_id = c.id`;
      expect(row?.matches).toBe(true);
    });

    it("logs only what each write changed, from which every earlier state of a row can be rebuilt, when every customer changed", async () => {
      const first = base(40);
      await loadBytes(db, exportCsv(first), { runId: "a" });
      const afterA = await contentByKey(db);
      const withoutOne = first.filter((_, i) => i !== 3);
      await loadBytes(db, exportCsv(withoutOne), { runId: "b" });
      const [gone] = await changesOf(db, "b");
      expect(gone).toMatchObject({ customer_key: first[3]!.phone, kind: "soft_delete", before: { deleted_at: null } });
      expect(Object.keys(gone?.before ?? {})).toEqual(["deleted_at"]);
      expect(Object.keys(gone?.after ?? {})).toEqual(["deleted_at"]);
      expect(gone?.after?.["deleted_at"]).not.toBeNull();

      const everyone = first.map((c) => ({ ...c, points: "999.00" }));
      everyone[5] = { ...everyone[5]!, phone: "0899999999" };
      const result = await loadBytes(db, exportCsv(everyone), { runId: "c" });
      expect(result.counts).toMatchObject({ rows: 40, inserted: 0, updated: 39, revived: 1, unchanged: 0, softDeleted: 0 });

      const changes = await changesOf(db, "c");
      expect(changes).toHaveLength(40);
      const updated = changes.find((c) => c.customer_key === first[0]!.phone);
      expect(updated).toEqual({ customer_key: first[0]!.phone, kind: "update", before: { available_point: 0.5 }, after: { available_point: 999 } });
      const rekeyed = changes.find((c) => c.customer_key === "0899999999");
      expect(rekeyed).toEqual({
        customer_key: "0899999999",
        kind: "update",
        before: { customer_key: first[5]!.phone, contact_number: first[5]!.phone, available_point: 5.5 },
        after: { customer_key: "0899999999", contact_number: "0899999999", available_point: 999 },
      });
      const revived = changes.find((c) => c.customer_key === first[3]!.phone);
      expect(revived).toMatchObject({ kind: "revive", before: { available_point: 3.5 }, after: { available_point: 999, deleted_at: null } });
      expect(revived?.before?.["deleted_at"]).toBe(gone?.after?.["deleted_at"]);

      const rows = await customers(db);
      expect(rows.every((r) => r.available_point === "999.00" && r.deleted_at === null && r.batch_id === "c")).toBe(true);
      // Each row as it is now, with its changes since run a undone newest first, is the row run a left.
      const now = await contentByKey(db);
      const since = await db.sql<Array<{ customer_id: string; before: Record<string, unknown> }>>`
        select customer_id, before from crm_sync.customer_changes where run_id in ('b', 'c') order by id desc`;
      const idToKey = new Map(rows.map((r) => [r.id, r.customer_key]));
      const rebuilt = new Map([...now].map(([key, content]) => [key, { ...content }]));
      for (const change of since) {
        const key = idToKey.get(change.customer_id);
        if (key === undefined) throw new Error("a change names no row");
        const state = rebuilt.get(key);
        if (state === undefined) throw new Error("a change names no row");
        Object.assign(state, change.before);
      }
      const rebuiltByKey = new Map([...rebuilt.values()].map((state) => [state["customer_key"], state]));
      expect(rebuiltByKey).toEqual(afterA);
    });

    it("stores as row_hash the md5 of the row's content as jsonb prints it, for any text and whatever the DateStyle", async () => {
      const hostile = base(6).map((c, i) => ({ ...c, address: ["", 'a "quoted" \\ back\\slash', "tab\there\nnew line", "ไทย 😀 \u0001 ctl", "é\u007f", "x"][i]! }));
      hostile[2] = { ...hostile[2]!, email: "", birth: "31/12/1999", credit: "1,234.50" };
      await loadBytes(db, exportCsv(hostile), { runId: "h" });
      await db.sql.begin(async (tx) => {
        await tx`set local datestyle = 'SQL, DMY'`;
        const [row] = await tx.unsafe<Array<{ n: number; same: boolean }>>(
          `select count(*)::integer as n, bool_and(c.row_hash = md5(${contentJson("c")}::text) and ${contentHash("c")} = c.row_hash) as same from crm_sync.customers c`,
        );
        expect(row).toEqual({ n: 6, same: true });
      });
    });
  });
}
