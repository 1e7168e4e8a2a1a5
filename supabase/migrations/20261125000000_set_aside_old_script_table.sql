-- Cutover from the old script. Its nightly job filled backoffice.customers with its own shape
-- (id bigserial, the export's columns, batch_id, update_time; no customer_key). The initial schema's
-- `create table if not exists` would skip that table and then fail on its missing columns, so this
-- file, named to sort first, moves it aside into crm_sync_old_script with what decided who could
-- read it; 20261206120000 adopts its rows into crm_sync.customers and drops the holding schema.
--
-- The holding schema is outside backoffice and crm_sync, so the row-level-security migration's
-- blanket revokes do not touch the old table's grants before they are carried over.
--
-- A no-op on an empty database and on every crm-sync schema (backoffice.customers then has
-- customer_key, or is crm-sync's view), so it is safe under `migrate` after `supabase db push`
-- and when a crm-sync database sees it after later files.

do $$
begin
  -- Looked up by name, never cast to regclass: on an empty database there is no such relation.
  if exists (
       select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'backoffice' and c.relname = 'customers' and c.relkind in ('r', 'p')
         and not exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'customer_key' and not a.attisdropped)) then
    create schema crm_sync_old_script;
    -- Who had USAGE on backoffice (a reader needed it as well as SELECT); 0 is PUBLIC.
    create table crm_sync_old_script.backoffice_usage as
      select acl.grantee as grantee_oid
      from pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) acl
      where n.nspname = 'backoffice' and acl.privilege_type = 'USAGE';
    alter table backoffice.customers set schema crm_sync_old_script;
  end if;
end
$$;
