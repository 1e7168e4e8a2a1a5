-- The trigger's run ledger hears of runs through events in any order (a Scheduler run's progress
-- can arrive before its request), so a run may exist before its trigger is known.
alter table crm_sync.runs drop constraint if exists runs_trigger_check;
alter table crm_sync.runs add constraint runs_trigger_check
  check (trigger in ('manual', 'schedule', 'api', 'replay', 'unknown'));

-- Orders progress messages within one stage (events arrive out of order).
alter table crm_sync.runs add column if not exists stage_message_at timestamptz;
-- An operator approved a held mass delete; events from before it are stale.
alter table crm_sync.runs add column if not exists approved_at timestamptz;
-- The failure is the ledger's stage-timeout verdict; a late sync-completed may overtake it.
alter table crm_sync.runs add column if not exists stage_timed_out boolean not null default false;

-- The stage-timeout sweep and the freshness query.
create index if not exists runs_succeeded_finished_idx on crm_sync.runs (finished_at desc) where status = 'succeeded';
