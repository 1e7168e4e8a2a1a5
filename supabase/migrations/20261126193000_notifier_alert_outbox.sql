-- Notifier: alert state beyond the initial table, and the outbox of decided alert emails.

alter table crm_sync.alerts
  add column if not exists stage text,
  -- occurredAt of the newest event applied to this subject: a late, older event changes nothing.
  add column if not exists last_event_at timestamptz,
  -- The newest sync-completed the notifier saw; staleness uses the newer of this and crm_sync.runs.
  add column if not exists last_success_at timestamptz,
  add column if not exists last_success_run_id text,
  -- When the notifier began watching this subject (staleness counts from here before any success).
  add column if not exists created_at timestamptz not null default now();

-- An email is decided in the same transaction as the alert state and the handled-message record
-- (crm_sync.processed_messages, consumer 'notifier'), then sent from here. A redelivered event
-- finds its email already queued or sent and never queues a second one; an email the SMTP server
-- did not accept waits here, in order, until it is.
create table if not exists crm_sync.alert_emails (
  id bigint generated always as identity primary key,
  event_key text not null unique,
  alert_subject text not null,
  kind text not null check (kind in ('failing', 'changed', 'reminder', 'recovered', 'dead-letter', 'stale', 'fresh')),
  run_id text,
  email_subject text not null,
  body_text text not null,
  body_html text not null,
  created_at timestamptz not null default now(),
  attempts integer not null default 0,
  claimed_until timestamptz,
  sent_at timestamptz,
  gave_up_at timestamptz,
  last_error text
);

create index if not exists alert_emails_pending_idx on crm_sync.alert_emails (id) where sent_at is null and gave_up_at is null;

-- Like every crm_sync table: the services only, no dashboard or anonymous access.
alter table crm_sync.alert_emails enable row level security;
revoke all on crm_sync.alert_emails from anon, authenticated;
