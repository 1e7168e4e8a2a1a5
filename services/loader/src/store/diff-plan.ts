import type { Sql } from "postgres";
import { LISTED_REJECTS, type ReasonCount, type RejectReport } from "../domain/reject-reason.ts";
import { contentDiffers } from "./customer-content.ts";
import { MATCH_OLD_SCRIPT_ROWS } from "./old-script-rows.ts";

/**
 * Builds `loader_plan`: one row per change the load would make, computed set-based from the
 * staged export and the table, before anything is written.
 * - rows whose key occurs more than once in the file join the invalid rows as rejects; a
 *   customer a rejected row seems to name (same key, or same name and date joined) is left
 *   alone rather than soft-deleted;
 * - a key match whose stored content differs is an update, a key match on a soft-deleted row a revive;
 * - a key that vanished while one new key appeared with the same name and date joined (each
 *   unique on its side) is the same customer with a new number: a rekey, i.e. an update;
 * - the other new keys are inserts and the other vanished active keys soft-deletes.
 * The export meets the table in one full join, which keeps only the rows that differ
 * (`loader_diff`, with the staged content the writes need): at 100k rows each pass over the
 * two tables costs ~50 ms, and everything after this one works on the changes alone. Rejected
 * rows go through the join too and are dropped from its result: cheaper than taking them out of
 * the whole export first (another pass, ~0.4 s at a million rows).
 * A repeated key's second row is always flagged key_may_repeat (see RepeatedKeys), so only rows
 * with a flagged key are counted, in the same pass that collects the invalid ones.
 * Rekeys pair by window counts, not correlated subqueries: the latter took seconds at 100k rows.
 * The planner needs to know how many staged rows there are and how many keys repeat; a full
 * ANALYZE of every column took 200 ms at 100k rows, a small sample of the key 10 ms. The writes
 * join the plan and the diff to the table: without statistics on those two the planner guessed a
 * thousand rows, and on a day when every customer changed it probed the table's primary key once
 * per row and sorted for a merge join (about 200 ms per statement at 100k rows, against 100 ms
 * for the hash joins it picks once it knows their size).
 */
const BUILD_PLAN = `
  set local default_statistics_target = 10;
  analyze loader_staging (customer_key);
  create temp table loader_rejected on commit drop as
    select row_no, customer_key, customer_name, date_joined, rejected as invalid from (
      select row_no, customer_key, customer_name, date_joined, rejected, count(*) over (partition by customer_key) as copies
      from loader_staging
      where rejected or customer_key in (select customer_key from loader_staging where key_may_repeat)) candidate
    where rejected or copies > 1;
  ${MATCH_OLD_SCRIPT_ROWS}
  create temp table loader_diff on commit drop as
    select s.*, c.id as customer_id, c.customer_key as old_key, c.customer_name as old_name, c.date_joined as old_joined,
           case when s.row_no is null then 'gone' when c.id is null then 'new' when c.deleted_at is null then 'update' else 'revive' end as kind
    from loader_staging s
    full join crm_sync.customers c on c.customer_key = s.customer_key
    where case when s.row_no is null then c.deleted_at is null
               when c.id is null then true
               else c.deleted_at is not null or ${contentDiffers("c", "s")} end;
  delete from loader_diff d where d.kind <> 'gone'
    and exists (select 1 from loader_rejected r where r.customer_key = d.customer_key);
  delete from loader_diff d where d.kind = 'gone'
    and exists (select 1 from loader_rejected r where r.customer_name = d.old_name and r.date_joined = d.old_joined);
  create temp table loader_plan (kind text not null, customer_id uuid, row_no integer) on commit drop;
  insert into loader_plan (kind, customer_id, row_no)
    select kind, customer_id, row_no from loader_diff where kind in ('update', 'revive');
  insert into loader_plan (kind, customer_id, row_no)
    select 'rekey', g.customer_id, n.row_no
    from (select row_no, customer_name, date_joined, count(*) over (partition by customer_name, date_joined) as k
          from loader_diff where kind = 'new' and date_joined is not null) n
    join (select customer_id, old_name, old_joined, count(*) over (partition by old_name, old_joined) as k
          from loader_diff where kind = 'gone' and old_joined is not null) g
      on g.old_name = n.customer_name and g.old_joined = n.date_joined
    where n.k = 1 and g.k = 1;
  insert into loader_plan (kind, customer_id, row_no)
    select 'insert', null, n.row_no from loader_diff n
    where n.kind = 'new' and not exists (select 1 from loader_plan p where p.kind = 'rekey' and p.row_no = n.row_no);
  insert into loader_plan (kind, customer_id, row_no)
    select 'soft_delete', g.customer_id, null from loader_diff g
    where g.kind = 'gone' and not exists (select 1 from loader_plan p where p.kind = 'rekey' and p.customer_id = g.customer_id);
  analyze loader_plan;
  analyze loader_diff (row_no);
`;

export interface PlanTotals {
  /** Invalid rows plus rows whose key occurs more than once in the file. */
  rejected: number;
  /** Valid rows rejected because their key occurs more than once in the file: numbers, and names + dates joined. */
  duplicateNumbers: number;
  duplicateNames: number;
  activeBefore: number;
  inserted: number;
  /** Content updates plus number changes (rekeys), both on existing active rows. */
  updated: number;
  revived: number;
  softDeleted: number;
}

const PLAN_TOTALS = `
  select
    (select count(*) from loader_rejected)::integer as rejected,
    (select count(*) from loader_rejected where not invalid and customer_key not like 'name:%')::integer as "duplicateNumbers",
    (select count(*) from loader_rejected where not invalid and customer_key like 'name:%')::integer as "duplicateNames",
    (select count(*) from crm_sync.customers where deleted_at is null)::integer as "activeBefore",
    (count(*) filter (where kind = 'insert'))::integer as inserted,
    (count(*) filter (where kind in ('update', 'rekey')))::integer as updated,
    (count(*) filter (where kind = 'revive'))::integer as revived,
    (count(*) filter (where kind = 'soft_delete'))::integer as "softDeleted"
  from loader_plan`;

/**
 * The first valid rows rejected for a repeated key (the parse already listed the invalid ones).
 * A number key is the Contact Number column's; a name key (customerKey's `name:` prefix) stands
 * for Customer with Date Joined.
 */
const DUPLICATE_ROWS = `
  select row_no as row, case when customer_key like 'name:%' then 'Customer' else 'Contact Number' end as "column"
  from loader_rejected where not invalid order by row_no limit ${LISTED_REJECTS}`;

/** Builds the plan and reads its totals and the repeated keys' rows in one round trip (the three are pipelined). */
export async function buildPlan(tx: Sql): Promise<{ totals: PlanTotals; duplicates: RejectReport }> {
  const [, [totals], rows] = await Promise.all([
    tx.unsafe(BUILD_PLAN).execute(),
    tx.unsafe<PlanTotals[]>(PLAN_TOTALS).execute(),
    tx.unsafe<Array<{ row: number; column: "Customer" | "Contact Number" }>>(DUPLICATE_ROWS).execute(),
  ]);
  if (totals === undefined) throw new Error("plan totals query returned no row");
  const reasons: ReasonCount[] = [
    { column: "Contact Number" as const, code: "DUPLICATE_KEY" as const, count: totals.duplicateNumbers },
    { column: "Customer" as const, code: "DUPLICATE_KEY" as const, count: totals.duplicateNames },
  ].filter((reason) => reason.count > 0);
  return { totals, duplicates: { reasons, rows: rows.map(({ row, column }) => ({ row, column, code: "DUPLICATE_KEY" as const })) } };
}

export interface PlanSampleEntry {
  kind: "insert" | "update" | "rekey" | "revive" | "soft_delete";
  customerKey: string;
  rowNo: number | null;
}

/** A few planned changes of each kind, for a dry run. Keys are masked by the caller. */
export async function samplePlan(tx: Sql, perKind: number): Promise<PlanSampleEntry[]> {
  return await tx<PlanSampleEntry[]>`
    select kind, "customerKey", "rowNo" from (
      select p.kind, coalesce(s.customer_key, c.customer_key) as "customerKey", p.row_no as "rowNo",
             row_number() over (partition by p.kind order by p.row_no nulls last, c.customer_key) as n
      from loader_plan p
      left join loader_diff s on s.row_no = p.row_no
      left join crm_sync.customers c on c.id = p.customer_id
    ) ranked
    where n <= ${perKind}
    order by kind, "rowNo" nulls last`;
}
