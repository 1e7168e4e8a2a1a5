import type { Sql } from "postgres";
import { sqlLiteral } from "@crm-sync/db";
import { changedContent, CONTENT_COLUMNS, contentColumns, contentHash, contentJson } from "./customer-content.ts";
import { REBUILD_SET_ASIDE_INDEXES, SET_INDEXES_ASIDE } from "./empty-table-indexes.ts";

const SET_CONTENT = CONTENT_COLUMNS.map((column) => `${column} = s.${column}`).join(", ");

/**
 * Writes `loader_plan` to crm_sync.customers and logs every change in
 * crm_sync.customer_changes. Only planned rows are touched: an unchanged snapshot writes none.
 * Each kind of change is one set-wise statement, whatever share of the table changed. Into an
 * empty table the rows go in with the indexes set aside (see empty-table-indexes.ts).
 * The change log is compact: an update's before and after hold only what it changed (the content
 * columns that differ, the key when the number changed, `deleted_at` when a customer came back), a
 * soft delete's only `deleted_at`; an insert's after holds the whole row. Going back from the
 * current row through a customer's changes, newest first, gives each earlier state, so the history
 * stays whole, and a day when every customer's points changed logs two one-member objects per
 * row instead of two whole rows.
 * The change log reads the old values before the update overwrites them: the statements run in
 * the order given: `execute()` sends each now, in this order, rather than when awaited. They go
 * out together (pipelined, one round trip), and the caller can add its own to the same trip.
 */
export function applyPlan(tx: Sql, runId: string): Promise<unknown> {
  const run = sqlLiteral(runId);
  return Promise.all([
    tx.unsafe(SET_INDEXES_ASIDE).execute(),
    tx.unsafe(
      `insert into crm_sync.customer_changes (run_id, customer_id, customer_key, kind, before, after)
       select ${run}, c.id, s.customer_key, case p.kind when 'revive' then 'revive' else 'update' end,
              ${changedContent("c", "s", "c")}
                || case when c.customer_key <> s.customer_key then jsonb_build_object('customer_key', c.customer_key) else '{}'::jsonb end
                || case when c.deleted_at is not null then jsonb_build_object('deleted_at', c.deleted_at) else '{}'::jsonb end,
              ${changedContent("c", "s", "s")}
                || case when c.customer_key <> s.customer_key then jsonb_build_object('customer_key', s.customer_key) else '{}'::jsonb end
                || case when c.deleted_at is not null then jsonb_build_object('deleted_at', null) else '{}'::jsonb end
       from loader_plan p
       join crm_sync.customers c on c.id = p.customer_id
       join loader_diff s on s.row_no = p.row_no
       where p.kind in ('update', 'rekey', 'revive')`,
    ).execute(),
    tx.unsafe(
      `update crm_sync.customers c
       set ${SET_CONTENT}, customer_key = s.customer_key, phone_normalized = s.phone_normalized, row_hash = ${contentHash("s")},
           deleted_at = null, batch_id = ${run}, update_time = now(), updated_at = now()
       from loader_plan p join loader_diff s on s.row_no = p.row_no
       where p.customer_id = c.id and p.kind in ('update', 'rekey', 'revive')`,
    ).execute(),
    tx.unsafe(
      `with inserted as (
         insert into crm_sync.customers
           (${CONTENT_COLUMNS.join(", ")}, customer_key, phone_normalized, row_hash, first_seen_run, batch_id, update_time)
         select ${contentColumns("s")}, s.customer_key, s.phone_normalized, ${contentHash("s")}, ${run}, ${run}, now()
         from loader_plan p join loader_diff s on s.row_no = p.row_no
         where p.kind = 'insert'
         returning id, customer_key, ${CONTENT_COLUMNS.join(", ")}
       )
       insert into crm_sync.customer_changes (run_id, customer_id, customer_key, kind, before, after)
       select ${run}, i.id, i.customer_key, 'insert', null, ${contentJson("i")} || jsonb_build_object('customer_key', i.customer_key)
       from inserted i`,
    ).execute(),
    tx.unsafe(
      `with deleted as (
         update crm_sync.customers c
         set deleted_at = now(), batch_id = ${run}, update_time = now(), updated_at = now()
         from loader_plan p
         where p.kind = 'soft_delete' and p.customer_id = c.id
         returning c.id, c.customer_key, c.deleted_at
       )
       insert into crm_sync.customer_changes (run_id, customer_id, customer_key, kind, before, after)
       select ${run}, d.id, d.customer_key, 'soft_delete', jsonb_build_object('deleted_at', null), jsonb_build_object('deleted_at', d.deleted_at)
       from deleted d`,
    ).execute(),
    tx.unsafe(REBUILD_SET_ASIDE_INDEXES).execute(),
  ]);
}
