-- crm-sync initial schema. Plain SQL so `supabase db push` and the crm-sync migrator both apply it.

create schema if not exists backoffice;
create schema if not exists crm_sync;

-- The club's CRM table. The old columns stay (existing queries read them); the rest serve the
-- diff-upsert. Nothing here changes on a run that saw no change: what a run saw lives in
-- crm_sync.runs, never as a per-row "last seen" stamp.
create table if not exists backoffice.customers (
  id uuid primary key default gen_random_uuid(),
  store text not null,
  customer_name text not null,
  contact_number text not null default '',         -- exactly as exported, leading zeros kept
  address text,
  email text,
  date_of_birth date,
  date_joined date,
  available_credit numeric(14, 2),
  available_point numeric(14, 2),
  source text,
  sms_pdpa boolean,
  email_pdpa boolean,
  batch_id text,                                   -- the run that last changed this row
  update_time timestamptz,                         -- when that run changed it
  customer_key text not null,                      -- identity: normalized phone, or name + date joined
  phone_normalized text,                           -- E.164; null for placeholders and blanks
  row_hash text not null,                          -- hash of the exported content
  first_seen_run text not null,
  deleted_at timestamptz,                          -- soft delete: vanished from the export
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint customers_source_check check (source is null or source in ('Others', 'Walk In', 'Digital', 'N.A.'))
);

create unique index if not exists customers_customer_key_key on backoffice.customers (customer_key);
create index if not exists customers_phone_normalized_idx on backoffice.customers (phone_normalized) where phone_normalized is not null;
create index if not exists customers_name_joined_idx on backoffice.customers (customer_name, date_joined);
create index if not exists customers_active_idx on backoffice.customers (deleted_at) where deleted_at is null;

-- The run ledger: one row per run, a projection of the pipeline's events.
create table if not exists crm_sync.runs (
  id text primary key,
  trigger text not null check (trigger in ('manual', 'schedule', 'api', 'replay')),
  requested_by text,
  status text not null check (status in ('queued', 'running', 'succeeded', 'failed')),
  stage text not null,
  stage_message text,
  requested_at timestamptz not null default now(),
  started_at timestamptz,
  stage_changed_at timestamptz not null default now(),
  finished_at timestamptz,
  counts jsonb,
  duration_ms integer,
  error_code text,
  error_message text,
  error_retryable boolean,
  destination_untouched boolean,
  artifacts jsonb not null default '[]'::jsonb,
  source_object jsonb,                              -- {bucket, name, generation, sha256, bytes}
  sha256 text,
  rows_in_file integer,
  portal_total integer,
  attempt integer not null default 1,
  trace_id text,
  updated_at timestamptz not null default now()
);

create index if not exists runs_requested_at_idx on crm_sync.runs (requested_at desc);
create index if not exists runs_active_idx on crm_sync.runs (status) where status in ('queued', 'running');

-- Every change a run made to a customer row, for audit and replay.
create table if not exists crm_sync.customer_changes (
  id bigint generated always as identity primary key,
  run_id text not null,
  customer_id uuid not null,
  customer_key text not null,
  kind text not null check (kind in ('insert', 'update', 'soft_delete', 'revive')),
  before jsonb,
  after jsonb,
  changed_at timestamptz not null default now()
);

create index if not exists customer_changes_run_idx on crm_sync.customer_changes (run_id);
create index if not exists customer_changes_customer_idx on crm_sync.customer_changes (customer_id);

-- Idempotency: a consumer records each message it has fully handled.
create table if not exists crm_sync.processed_messages (
  consumer text not null,
  message_key text not null,                        -- e.g. runId:sha256 for csv-ready
  run_id text,
  result jsonb,
  processed_at timestamptz not null default now(),
  primary key (consumer, message_key)
);

-- Notifier state: one row per alert subject (the pipeline, staleness, a dead letter).
create table if not exists crm_sync.alerts (
  subject text primary key,
  state text not null check (state in ('ok', 'failing')),
  code text,
  run_id text,
  opened_at timestamptz,
  last_sent_at timestamptz,
  last_sent_kind text,
  updated_at timestamptz not null default now()
);
