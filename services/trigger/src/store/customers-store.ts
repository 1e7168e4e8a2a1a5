import type { Database } from "@crm-sync/db";
import { guarded } from "./guarded.ts";
import { z } from "zod";
import { changedFields, type FieldChange } from "../domain/changed-fields.ts";

const CustomerSummary = z.object({
  customerId: z.string(),
  name: z.string(),
  contactNumber: z.string(),
  store: z.string(),
  removed: z.boolean(),
});
export type CustomerSummary = z.infer<typeof CustomerSummary>;

/** A customer's current row: the exported content plus when crm-sync last changed it. */
const CustomerRow = z.object({
  customerId: z.string(),
  store: z.string(),
  name: z.string(),
  contactNumber: z.string(),
  email: z.string().nullable(),
  address: z.string().nullable(),
  dateOfBirth: z.string().nullable(),
  dateJoined: z.string().nullable(),
  availableCredit: z.string().nullable(),
  availablePoint: z.string().nullable(),
  source: z.string().nullable(),
  removedAt: z.date().nullable(),
  updatedAt: z.date(),
});
export type CustomerRow = z.infer<typeof CustomerRow>;

const ChangeRow = z.object({
  kind: z.enum(["insert", "update", "soft_delete", "revive"]),
  run_id: z.string(),
  changed_at: z.date(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
});

export interface CustomerChange {
  kind: z.infer<typeof ChangeRow>["kind"];
  runId: string;
  at: string;
  fields: FieldChange[];
}

export type CustomerSearch = { by: "name"; text: string } | { by: "phone"; core: string };

export interface CustomersStore {
  search(query: CustomerSearch, limit: number): Promise<CustomerSummary[]>;
  get(customerId: string): Promise<CustomerRow | undefined>;
  changes(customerId: string, limit: number): Promise<CustomerChange[]>;
}

const escapeLike = (text: string) => text.replaceAll("\\", "\\\\").replaceAll("%", "\\%").replaceAll("_", "\\_");

/** Customer lookup over crm_sync.customers (removed ones too) and its change log. */
export function createCustomersStore(db: Database): CustomersStore {
  const sql = db.sql;
  return {
    search: (query, limit) =>
      guarded(async () => {
        // Digits as stored (dashes and spaces dropped) ending in the typed number's core, or its E.164 form.
        const rows =
          query.by === "phone"
            ? await sql`
                select id::text as "customerId", customer_name as name, contact_number as "contactNumber", store, deleted_at is not null as removed
                from crm_sync.customers
                where phone_normalized = ${`+66${query.core}`} or regexp_replace(contact_number, '[^0-9]', '', 'g') like ${`%${query.core}`}
                order by deleted_at nulls first, customer_name limit ${limit}`
            : await sql`
                select id::text as "customerId", customer_name as name, contact_number as "contactNumber", store, deleted_at is not null as removed
                from crm_sync.customers
                where customer_name ilike ${`%${escapeLike(query.text)}%`}
                order by deleted_at nulls first, customer_name limit ${limit}`;
        return rows.map((row) => CustomerSummary.parse(row));
      }),
    get: (customerId) =>
      guarded(async () => {
        const [row] = await sql`
          select id::text as "customerId", store, customer_name as name, contact_number as "contactNumber", email, address,
                 date_of_birth::text as "dateOfBirth", date_joined::text as "dateJoined",
                 available_credit::text as "availableCredit", available_point::text as "availablePoint", source,
                 deleted_at as "removedAt", updated_at as "updatedAt"
          from crm_sync.customers where id = ${customerId}::uuid`;
        return row === undefined ? undefined : CustomerRow.parse(row);
      }),
    changes: (customerId, limit) =>
      guarded(async () => {
        const rows = await sql`
          select kind, run_id, changed_at, before, after from crm_sync.customer_changes
          where customer_id = ${customerId}::uuid order by changed_at desc, id desc limit ${limit}`;
        return rows.map((input) => {
          const row = ChangeRow.parse(input);
          return { kind: row.kind, runId: row.run_id, at: row.changed_at.toISOString(), fields: changedFields(row.before, row.after) };
        });
      }),
  };
}
