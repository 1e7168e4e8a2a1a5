-- What the dashboard shows staff so they can act without an engineer (issue 28): who approved or
-- discarded a held run, which rows a load rejected and why, and which customers a held run would
-- remove. Safe to run twice (`supabase db push` and `migrate` may both see it).

-- Who decided a held run (MASS_DELETE_HELD): an API token's name or a service account's email,
-- never a secret. A discarded run stays failed (it never touched the table) and can no longer be approved.
alter table crm_sync.runs add column if not exists approved_by text;
alter table crm_sync.runs add column if not exists discarded_at timestamptz;
alter table crm_sync.runs add column if not exists discarded_by text;

-- The rows a load rejected: where and why (row number, column, reason code), never the value.
-- Written by the loader with the load, or after a refused load (too many rejects, a held mass
-- delete), since then the office needs the list most. Replaced by each attempt of the run.
create table if not exists crm_sync.run_rejects (
  run_id text not null,
  seq integer not null,
  row_no integer not null,
  column_name text,
  reason text not null,
  primary key (run_id, seq)
);

-- The customers a held run would soft-delete, as the loader decided them when it refused the
-- load. Ids, not names: the dashboard joins them to crm_sync.customers for approvers only.
create table if not exists crm_sync.held_removals (
  run_id text not null,
  customer_id uuid not null,
  primary key (run_id, customer_id)
);

-- Same rule as every crm_sync table: RLS on, no grants to the API roles (the trigger reads these
-- as the owner and shows them only to signed-in staff).
alter table crm_sync.run_rejects enable row level security;
alter table crm_sync.held_removals enable row level security;
revoke all on crm_sync.run_rejects from public, anon, authenticated;
revoke all on crm_sync.held_removals from public, anon, authenticated;
