import type { Database } from "@crm-sync/db";

export const SUPABASE_ROLES = ["anon", "authenticated", "service_role"] as const;

export interface RoleGrants {
  role: (typeof SUPABASE_ROLES)[number];
  exists: boolean;
  bypassesRls: boolean;
  /** Whether a plain `select … from backoffice.customers` as this role returns rows (grants, schema usage and RLS together). */
  readsCustomers: boolean;
  readsRuns: boolean;
  callsFreshness: boolean;
}

/**
 * What Supabase's API roles can do with the customer data, as the catalog says. A role reads the
 * customers when it has usage on the schema and select on the relation, and, where the relation
 * (or, behind crm-sync's security_invoker view, crm_sync.customers) has row-level security, it
 * bypasses RLS or a policy names it.
 */
export async function inspectRoleGrants(db: Database): Promise<RoleGrants[]> {
  return await db.sql<RoleGrants[]>`
    with roles as (select unnest(${db.sql.array([...SUPABASE_ROLES])}::text[]) as role),
    rel as (
      select to_regclass('backoffice.customers') as customers, to_regclass('crm_sync.customers') as behind,
             to_regclass('crm_sync.runs') as runs, to_regprocedure('crm_sync.freshness(integer)') as freshness
    )
    select roles.role, r.oid is not null as exists, coalesce(r.rolbypassrls or r.rolsuper, false) as "bypassesRls",
      coalesce(r.oid is not null and rel.customers is not null
        and has_schema_privilege(r.oid, 'backoffice', 'USAGE') and has_table_privilege(r.oid, rel.customers, 'SELECT')
        and (case when rel.behind is null or (select relkind from pg_class where oid = rel.customers) <> 'v' then true
                  else has_schema_privilege(r.oid, 'crm_sync', 'USAGE') and has_table_privilege(r.oid, rel.behind, 'SELECT') end)
        and (r.rolbypassrls or r.rolsuper
             or not exists (select 1 from pg_class c where c.oid in (rel.customers, rel.behind) and c.relrowsecurity)
             or exists (select 1 from pg_policy p where p.polrelid in (rel.customers, rel.behind) and p.polcmd in ('r', '*')
                          and (p.polroles = '{0}' or r.oid = any (p.polroles)))), false) as "readsCustomers",
      coalesce(r.oid is not null and rel.runs is not null and has_schema_privilege(r.oid, 'crm_sync', 'USAGE')
        and has_table_privilege(r.oid, rel.runs, 'SELECT'), false) as "readsRuns",
      coalesce(r.oid is not null and rel.freshness is not null and has_schema_privilege(r.oid, 'crm_sync', 'USAGE')
        and has_function_privilege(r.oid, rel.freshness, 'EXECUTE'), false) as "callsFreshness"
    from roles cross join rel left join pg_roles r on r.rolname = roles.role
    order by array_position(${db.sql.array([...SUPABASE_ROLES])}::text[], roles.role)`;
}
