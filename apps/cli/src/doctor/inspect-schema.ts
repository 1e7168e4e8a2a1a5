import type { Database } from "@crm-sync/db";

/** The old script's columns, in its order (issue 25): what its table and crm-sync's view both show. */
export const OLD_SCRIPT_COLUMNS = [
  "id", "store", "customer_name", "contact_number", "address", "email", "date_of_birth", "date_joined",
  "available_credit", "available_point", "source", "sms_pdpa", "email_pdpa", "batch_id", "update_time",
] as const;

export type SchemaKind =
  | { kind: "none" }
  | { kind: "old-script"; table: "backoffice.customers" | "crm_sync_old_script.customers" }
  | { kind: "crm-sync"; layout: "table" | "view" }
  | { kind: "unknown"; missing: string[]; extra: string[] };

/**
 * Which customer table the database holds: none, the old script's (in place, or already set aside
 * by the first cutover migration), crm-sync's (its own table in backoffice, or the view over
 * crm_sync.customers), or a backoffice.customers that is neither.
 */
export async function inspectSchema(db: Database): Promise<SchemaKind> {
  const rows = await db.sql<{ schema: string; relkind: string; columns: string[] }[]>`
    select n.nspname as schema, c.relkind::text as relkind,
           array(select a.attname::text from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped order by a.attnum) as columns
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relname = 'customers' and n.nspname in ('backoffice', 'crm_sync', 'crm_sync_old_script')`;
  const bySchema = new Map(rows.map((row) => [row.schema, row]));
  if (bySchema.has("crm_sync_old_script")) return { kind: "old-script", table: "crm_sync_old_script.customers" };
  if (bySchema.has("crm_sync")) return { kind: "crm-sync", layout: "view" };
  const backoffice = bySchema.get("backoffice");
  if (backoffice === undefined) return { kind: "none" };
  if (backoffice.columns.includes("customer_key")) return { kind: "crm-sync", layout: "table" };
  const missing = OLD_SCRIPT_COLUMNS.filter((column) => !backoffice.columns.includes(column));
  const extra = backoffice.columns.filter((column) => !(OLD_SCRIPT_COLUMNS as readonly string[]).includes(column));
  if (missing.length > 0 || extra.length > 0 || backoffice.relkind !== "r") return { kind: "unknown", missing, extra };
  return { kind: "old-script", table: "backoffice.customers" };
}
