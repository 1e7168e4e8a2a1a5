import type { Database } from "@crm-sync/db";

export interface OldScriptFacts {
  rows: number;
  /** Rows the adoption stores differently (a missing store/name/number as '', an out-of-range amount or unknown source as null). */
  adjusted: { blankNameOrStore: number; amountOutOfRange: number; unknownSource: number };
  /** Numbers holding something other than digits: compared by their digits alone. */
  numbersWithNonDigits: number;
  /** Rows repeated (same number, name and date joined): one is kept, the copies are soft-deleted by the first load. */
  repeatedRows: number;
  /** Row-level-security policies: readers that saw rows through one are not carried over to the view. */
  policies: string[];
  /** Views, rules or foreign keys of the club's that depend on the table: the adoption would stop on them. */
  dependents: string[];
  /** Whether the connecting role may move the table (its owner, or a member of the owning role). */
  owned: boolean;
}

/** Facts about the old script's table that decide how its adoption goes. Read only. */
export async function inspectOldScriptTable(db: Database, table: string): Promise<OldScriptFacts> {
  const [facts] = await db.sql<Array<Omit<OldScriptFacts, "adjusted"> & { blank: number; amounts: number; sources: number }>>`
    with t as (select ${table}::regclass as oid)
    select
      (select count(*)::int from ${db.sql(table)}) as rows,
      (select count(*)::int from ${db.sql(table)} where coalesce(customer_name, '') = '' or store is null) as blank,
      (select count(*)::int from ${db.sql(table)}
        where not (abs(available_credit) < 1e12) or not (abs(available_point) < 1e12)
           or available_credit <> round(available_credit, 2) or available_point <> round(available_point, 2)) as amounts,
      (select count(*)::int from ${db.sql(table)} where source is not null and source not in ('Others', 'Walk In', 'Digital', 'N.A.')) as sources,
      (select count(*)::int from ${db.sql(table)} where contact_number ~ '\\D') as "numbersWithNonDigits",
      (select coalesce(sum(n - 1), 0)::int from (
         select count(*) as n from ${db.sql(table)} group by contact_number, customer_name, date_joined having count(*) > 1) r) as "repeatedRows",
      array(select p.polname::text from pg_policy p, t where p.polrelid = t.oid order by 1) as policies,
      array(
        select distinct format('%s %s', case v.relkind when 'v' then 'view' when 'm' then 'materialized view' else 'rule on' end, v.oid::regclass::text)
        from pg_depend d join pg_rewrite r on r.oid = d.objid join pg_class v on v.oid = r.ev_class, t
        where d.classid = 'pg_rewrite'::regclass and d.refobjid = t.oid and r.ev_class <> t.oid
        union
        select format('foreign key %s on %s', c.conname, c.conrelid::regclass::text)
        from pg_constraint c, t where c.contype = 'f' and c.confrelid = t.oid
      ) as dependents,
      (select pg_has_role(c.relowner, 'MEMBER') from pg_class c, t where c.oid = t.oid) as owned`;
  if (facts === undefined) throw new Error("old-script table facts: no row");
  const { blank, amounts, sources, ...rest } = facts;
  return { ...rest, adjusted: { blankNameOrStore: blank, amountOutOfRange: amounts, unknownSource: sources } };
}
