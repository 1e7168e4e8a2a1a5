-- Notifier: the chat alert channel's outbox (a Slack / Google Chat webhook), beside alert_emails.
-- A chat message is decided in the same transaction as its email (same event_key) and sent from
-- its own queue, so a webhook that is down never holds up or duplicates an email, and is retried
-- on every later flush until it answers. Only the rendered text is kept: codes, counts, ids,
-- times and the run page link, never customer data; the webhook URL itself is a secret and is
-- never stored.
create table if not exists crm_sync.alert_chats (
  id bigint generated always as identity primary key,
  event_key text not null unique,
  alert_subject text not null,
  kind text not null check (kind in ('failing', 'changed', 'reminder', 'recovered', 'dead-letter', 'stale', 'fresh')),
  run_id text,
  body_text text not null,
  created_at timestamptz not null default now(),
  attempts integer not null default 0,
  claimed_until timestamptz,
  sent_at timestamptz,
  gave_up_at timestamptz,
  last_error text
);

create index if not exists alert_chats_pending_idx on crm_sync.alert_chats (id) where sent_at is null and gave_up_at is null;

-- Like every crm_sync table: the services only, no dashboard or anonymous access.
alter table crm_sync.alert_chats enable row level security;
revoke all on crm_sync.alert_chats from anon, authenticated;
