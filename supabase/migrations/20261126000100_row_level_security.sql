-- Row level security for Supabase: no anonymous access to customers or runs.
--
-- The services connect with DATABASE_URL as the tables' owner (`postgres` on Supabase), which RLS
-- does not restrict (no `force row level security`), so the loader, trigger and notifier work as
-- before. The dashboard (Vercel) reads through PostgREST with the anon key plus a signed-in staff
-- user's JWT, i.e. as role `authenticated`, through two narrow doors: select on crm_sync.runs and
-- the crm_sync.freshness() function. `anon` (the anon key without a user) gets nothing at all.
--
-- Named to sort before 20261126190000: that migration and later ones revoke from these roles, so
-- the roles must exist first on plain Postgres and PGlite. Every statement is safe to run twice,
-- because a database may see this file from `supabase db push` and again from `migrate`.

-- Supabase creates these roles; plain Postgres and PGlite (tests, embedded mode) do not. Never
-- altered when present: on Supabase they belong to the platform.
do $$
declare
  role_name text;
begin
  foreach role_name in array array['anon', 'authenticated', 'service_role'] loop
    if not exists (select 1 from pg_roles where rolname = role_name) then
      begin
        execute format('create role %I nologin noinherit', role_name);
      -- Roles are cluster-wide: a migrator on another database of the same server may create one
      -- between the check and here. If its transaction is still open, this one waits for it and
      -- then fails on the catalog's unique index (unique_violation), not with duplicate_object.
      exception when duplicate_object or unique_violation then
        null;
      end;
    end if;
  end loop;
end
$$;

-- RLS on every table in both schemas. A table with RLS on and no policy for a role shows that
-- role no rows even if a grant slips in later, which is the point of having both.
alter table backoffice.customers enable row level security;
alter table crm_sync.runs enable row level security;
alter table crm_sync.customer_changes enable row level security;
alter table crm_sync.processed_messages enable row level security;
alter table crm_sync.alerts enable row level security;
-- The migrator's own ledger exists here when `migrate` runs this file, not under `supabase db push`.
alter table if exists crm_sync.schema_migrations enable row level security;

-- No grants for the API roles beyond the two doors below.
revoke all on all tables in schema backoffice from anon, authenticated;
revoke all on all tables in schema crm_sync from anon, authenticated;
revoke all on all sequences in schema backoffice from anon, authenticated;
revoke all on all sequences in schema crm_sync from anon, authenticated;
revoke all on all functions in schema crm_sync from anon, authenticated;
revoke all on schema backoffice from anon, authenticated;
revoke all on schema crm_sync from anon;

-- Later migrations must close their own objects, as 20261126193000 does for its table: per-schema default
-- privileges cannot take back PUBLIC's default EXECUTE on functions, and `authenticated` has usage
-- on crm_sync, so a new crm_sync function is callable through the API unless its migration runs
-- `revoke all on function … from public, anon, authenticated`.

-- Door 1: staff read the run ledger (status, stage, counts, error code and plain message; the
-- ledger holds no customer data). Anyone who can sign in to the Supabase project is
-- `authenticated`, so sign-ups must stay closed (see examples/vercel/README.md).
grant usage on schema crm_sync to authenticated;
grant select on crm_sync.runs to authenticated;

drop policy if exists runs_read_for_staff on crm_sync.runs;
create policy runs_read_for_staff on crm_sync.runs for select to authenticated using (true);

-- Door 2: freshness without exposing customer rows. A definer function returns only aggregates,
-- with the semantics of the trigger's GET /v1/freshness (services/trigger/src/domain/freshness.ts):
-- the last succeeded run's finished_at, its age in whole seconds (never negative), the active
-- customer count, and stale when nothing ever succeeded or the age exceeds the threshold
-- (default 26 h, the trigger's STALE_AFTER default: a daily run plus slack). PostgREST returns a
-- function with OUT parameters and no SETOF as one JSON object; `rpc("freshness")` sends `{}`
-- and so gets the default threshold.
create or replace function crm_sync.freshness(
  inout stale_after_seconds integer default 93600,
  out last_success_at timestamptz,
  out age_seconds bigint,
  out customer_count bigint,
  out stale boolean
)
language sql
stable
security definer
-- Definer functions must not resolve names through the caller's search_path.
set search_path = ''
as $$
  with last_success as (
    select max(finished_at) as at from crm_sync.runs where status = 'succeeded'
  )
  select
    stale_after_seconds,
    last_success.at,
    floor(greatest(0, extract(epoch from (now() - last_success.at))))::bigint,
    (select count(*) from backoffice.customers where deleted_at is null),
    last_success.at is null or extract(epoch from (now() - last_success.at)) > stale_after_seconds
  from last_success
$$;

revoke all on function crm_sync.freshness(integer) from public, anon;
grant execute on function crm_sync.freshness(integer) to authenticated;
