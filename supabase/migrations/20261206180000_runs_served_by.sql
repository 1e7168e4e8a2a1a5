-- Single-flight across every way in (issue 29). Any sync request (the API, a Cloud Scheduler
-- publish, a direct publish to sync-requested) gets a row in crm_sync.runs. A request that arrives
-- while a run is active does not start a second scrape: its row names the run that serves it in
-- `served_by` and mirrors that run's status and outcome, so it finishes with it.
alter table crm_sync.runs add column if not exists served_by text references crm_sync.runs (id);
-- When the run's first work message (scrape-requested, or a replay's csv-ready) was published; a
-- redelivered request re-publishes it only while this is null.
alter table crm_sync.runs add column if not exists dispatched_at timestamptz;
-- Runs that were already moving when this column arrived need no dispatch.
update crm_sync.runs set dispatched_at = coalesce(started_at, requested_at) where dispatched_at is null;

create index if not exists runs_served_by_idx on crm_sync.runs (served_by) where served_by is not null;
-- The single-flight check: the active run that serves requests (never a joined request).
create index if not exists runs_active_serving_idx on crm_sync.runs (requested_at desc)
  where status in ('queued', 'running') and served_by is null;
