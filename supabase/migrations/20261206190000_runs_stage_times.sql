-- When a run first reached each stage it reported ({"scraping": "<time>", …}), for the run page's
-- timeline; the ledger kept only the start, the last stage change and the end. Rows written before
-- this column, or by the loader, hold {}.
alter table crm_sync.runs add column if not exists stage_times jsonb not null default '{}'::jsonb;
