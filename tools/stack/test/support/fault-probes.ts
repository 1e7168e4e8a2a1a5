import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Database } from "@crm-sync/db";
import { waitFor } from "@crm-sync/testing";

export interface LedgerRow {
  status: "queued" | "running" | "succeeded" | "failed";
  stage: string;
  error_code: string | null;
}

/**
 * Signals a fault test waits on before it strikes. They read the real components directly
 * (the test's own connection, not the services' cuttable proxy), so they work while a service
 * or the proxy is down.
 */
export function faultProbes(db: Database, logDir: string) {
  const ledger = async (runId: string): Promise<LedgerRow | undefined> =>
    (await db.sql<LedgerRow[]>`select status, stage, error_code from crm_sync.runs where id = ${runId}`)[0];

  return {
    ledger,
    /** Resolves once the ledger shows the run at (or past) one of `stages`, or finished. */
    async stageReached(runId: string, stages: readonly string[]): Promise<LedgerRow> {
      return waitFor(
        async () => {
          const row = await ledger(runId);
          return row !== undefined && (stages.includes(row.stage) || row.status === "succeeded" || row.status === "failed") ? row : undefined;
        },
        { what: `run at ${stages.join("/")}`, intervalMs: 10, timeoutMs: 60_000 },
      );
    },
    /** The ledger shows this progress message (the service is inside that step). */
    async messageShown(runId: string, message: string): Promise<void> {
      await waitFor(async () => (await db.sql`select 1 from crm_sync.runs where id = ${runId} and stage_message = ${message}`).length > 0, {
        what: `the message "${message}"`,
        intervalMs: 10,
        timeoutMs: 60_000,
      });
    },
    /** The loader committed this run's load (its processed_messages row is visible). */
    async loadCommitted(runId: string): Promise<void> {
      await waitFor(async () => (await db.sql`select 1 from crm_sync.processed_messages where consumer = 'loader' and run_id = ${runId}`).length > 0, {
        what: "the load's commit",
        intervalMs: 5,
        timeoutMs: 60_000,
      });
    },
    /** An alert email for the run is recorded as sent (the notifier has not necessarily acked yet). */
    async emailSent(runId: string): Promise<void> {
      await waitFor(async () => (await db.sql`select 1 from crm_sync.alert_emails where run_id = ${runId} and sent_at is not null`).length > 0, {
        what: "the alert email to be sent",
        intervalMs: 5,
        timeoutMs: 60_000,
      });
    },
    /** An alert email for the run has failed at least one delivery attempt. */
    async emailHeldBack(runId: string): Promise<void> {
      await waitFor(
        async () => (await db.sql`select 1 from crm_sync.alert_emails where run_id = ${runId} and sent_at is null and last_error is not null`).length > 0,
        { what: "a failed email delivery", intervalMs: 20, timeoutMs: 60_000 },
      );
    },
    /** Lines of a service's log that contain `text` (its JSON log lines are plain text here). */
    async logLines(service: string, text: string): Promise<number> {
      const log = await readFile(join(logDir, `${service}.log`), "utf8").catch(() => "");
      return log.split("\n").filter((line) => line.includes(text)).length;
    },
    /** Idle for this run: the loader's and notifier's bookkeeping is final and no email waits in the outbox. */
    async settled(runId: string, outcome: "succeeded" | "failed", timeoutMs = 90_000): Promise<void> {
      await waitFor(
        async () => {
          const [row] = await db.sql<Array<{ loaded: boolean; noticed: boolean; queued: number }>>`
            select
              exists (select 1 from crm_sync.processed_messages where consumer = 'loader' and run_id = ${runId} and (result->>'published')::boolean) as loaded,
              exists (select 1 from crm_sync.processed_messages where consumer = 'notifier' and run_id = ${runId}) as noticed,
              (select count(*)::int from crm_sync.alert_emails where sent_at is null and gave_up_at is null) as queued`;
          return row !== undefined && (outcome === "failed" || row.loaded) && row.noticed && row.queued === 0;
        },
        { what: `run ${runId} to settle`, intervalMs: 100, timeoutMs },
      );
    },
  };
}
