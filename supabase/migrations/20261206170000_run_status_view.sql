-- The Vercel button's status reader (@crm-sync/vercel, libs/vercel-sync) reads one read-only view
-- of the run ledger through PostgREST as the signed-in staff user (role `authenticated`).
--
-- security_invoker: the view reads crm_sync.runs with the reader's rights, so the table's row
-- level security (policy runs_read_for_staff) still decides, and `anon`, which has no policy and
-- no grant, sees nothing through it. Only select is granted: inserts, updates and deletes through
-- the view are refused for every API role.
--
-- The ledger's other columns (source object, artifact links, trace ids, attempt bookkeeping) are
-- for operators, not for the office's button: staff's direct door on crm_sync.runs narrows to the
-- columns this view shows, which security_invoker needs anyway.
create or replace view crm_sync.run_status with (security_invoker = true) as
select
  id,
  trigger,
  requested_by,
  status,
  stage,
  stage_message,
  requested_at,
  started_at,
  finished_at,
  counts,
  duration_ms,
  error_code,
  error_message,
  destination_untouched
from crm_sync.runs;

comment on view crm_sync.run_status is 'Read-only run status for signed-in staff (the Vercel button). No customer data.';

revoke all on crm_sync.run_status from public, anon, authenticated;
grant select on crm_sync.run_status to authenticated;

revoke select on crm_sync.runs from authenticated;
grant select (
  id, trigger, requested_by, status, stage, stage_message, requested_at, started_at, finished_at,
  counts, duration_ms, error_code, error_message, destination_untouched
) on crm_sync.runs to authenticated;
