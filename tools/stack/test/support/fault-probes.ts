import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { STAGES } from "@crm-sync/contracts";
import type { Database } from "@crm-sync/db";
import { waitFor } from "@crm-sync/testing";

export interface LedgerRow {
  status: "queued" | "running" | "succeeded" | "failed";
  stage: string;
  stage_message: string | null;
  error_code: string | null;
}

/**
 * Signals a fault test waits on before it strikes. They read the real components directly
 * (the test's own connection, not the services' cuttable proxy), so they work while a service
 * or the proxy is down.
 */
export interface LockHolder {
  pid: number;
  applicationName: string;
  /** pg_stat_activity's state of that backend: inside its transaction it is "active" or "idle in transaction". */
  state: string;
  inTransaction: boolean;
}

const isFinal = (row: LedgerRow) => row.status === "succeeded" || row.status === "failed";

export function faultProbes(db: Database, logDir: string) {
  const ledger = async (runId: string): Promise<LedgerRow | undefined> =>
    (await db.sql<LedgerRow[]>`select status, stage, stage_message, error_code from crm_sync.runs where id = ${runId}`)[0];
  const logFile = (service: string) => join(logDir, `${service}.log`);

  return {
    ledger,
    /**
     * Resolves once the ledger shows the run running at `stage`. Fails at once when the run is
     * already final or past that stage: a strike then would not land where the case says.
     */
    async inStage(runId: string, stage: (typeof STAGES)[number], message?: string): Promise<LedgerRow> {
      const wanted = STAGES.indexOf(stage);
      const seen = await waitFor(
        async () => {
          const row = await ledger(runId);
          if (row === undefined) return undefined;
          const past = STAGES.indexOf(row.stage as (typeof STAGES)[number]) > wanted;
          const here = row.stage === stage && (message === undefined || row.stage_message === message);
          return isFinal(row) || past || here ? { row, missed: isFinal(row) || past } : undefined;
        },
        { what: `run at ${stage}${message === undefined ? "" : `: "${message}"`}`, intervalMs: 5, timeoutMs: 60_000 },
      );
      if (seen.missed) throw new Error(`run ${runId} was already ${seen.row.status} at ${seen.row.stage} before "${stage}" was seen: the fault would not land there`);
      return seen.row;
    },
    /** The run has not finished (checked right after a strike: the strike came before the end). */
    async stillRunning(runId: string): Promise<LedgerRow> {
      const row = await ledger(runId);
      if (row === undefined || isFinal(row)) throw new Error(`run ${runId} was already ${row?.status ?? "missing"} when the fault struck`);
      return row;
    },
    /**
     * The backend whose transaction holds the loader's load lock (`pg_advisory_xact_lock(hashtext('crm_sync.loader'))`,
     * taken first in the load transaction and by nothing else), or undefined when no load is open.
     */
    async loaderLockHolder(): Promise<LockHolder | undefined> {
      const [holder] = await db.sql<Array<{ pid: number; application_name: string; state: string; in_transaction: boolean }>>`
        select a.pid, a.application_name, a.state, a.xact_start is not null as in_transaction
        from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())
          and ((l.classid::bigint << 32) | l.objid::bigint) = hashtext('crm_sync.loader')::bigint`;
      return holder === undefined ? undefined : { pid: holder.pid, applicationName: holder.application_name, state: holder.state, inTransaction: holder.in_transaction };
    },
    /** Backends waiting for a lock on crm_sync.customers (the loader's writes, blocked by the test). */
    async waitingOnCustomers(pid: number): Promise<boolean> {
      const rows = await db.sql`
        select 1 from pg_locks where pid = ${pid} and not granted and relation = 'crm_sync.customers'::regclass`;
      return rows.length > 0;
    },
    /** Whether the loader's load of this run has committed (its processed_messages row is visible). */
    async loadCommittedNow(runId: string): Promise<boolean> {
      return (await db.sql`select 1 from crm_sync.processed_messages where consumer = 'loader' and run_id = ${runId}`).length > 0;
    },
    /**
     * Where a service's log ends now, at a line's start: what a restarted process writes comes
     * after it. A line being written as this reads (a long JSON line can land in pieces) starts
     * after the offset, whole, rather than splitting there into a fragment that reads as crash output.
     */
    async logOffset(service: string): Promise<number> {
      const log = await readFile(logFile(service)).catch(() => Buffer.alloc(0));
      return log.lastIndexOf(0x0a) + 1;
    },
    /** Lines after `offset` that are not the service's JSON log: what Node prints when the process dies of an uncaught error. */
    async crashLinesAfter(service: string, offset: number): Promise<string[]> {
      const log = (await readFile(logFile(service)).catch(() => Buffer.alloc(0))).subarray(offset).toString("utf8");
      return log.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("{"));
    },
    /** The messages of a service's log lines after `offset` that belong to `runId`. */
    async runLinesAfter(service: string, offset: number, runId: string): Promise<string[]> {
      const log = (await readFile(logFile(service)).catch(() => Buffer.alloc(0))).subarray(offset).toString("utf8");
      return log.split("\n").flatMap((line) => {
        try {
          const entry = JSON.parse(line) as { runId?: unknown; message?: unknown; msg?: unknown };
          return entry.runId === runId ? [String(entry.message ?? entry.msg ?? "")] : [];
        } catch {
          return [];
        }
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
