import type { JSONValue, Sql, TransactionSql } from "postgres";
import type { Database } from "@crm-sync/db";
import { toDbError } from "@crm-sync/db";
import { sameRun, type Run } from "../domain/run.ts";
import { RUN_COLUMNS, runFromRow } from "./run-row.ts";

export interface ProjectionResult {
  before: Run | undefined;
  after: Run | undefined;
  changed: boolean;
}

export interface StartResult {
  run: Run;
  coalesced: boolean;
}

export interface RunStore {
  get(runId: string): Promise<Run | undefined>;
  list(limit: number): Promise<Run[]>;
  /** Runs `change` on the current row under a per-run lock and writes what it returns. */
  update(runId: string, change: (current: Run | undefined) => Run | undefined): Promise<ProjectionResult>;
  /** Inserts `create()` unless a run is queued or running; then returns that run instead. */
  startOrCoalesce(create: () => Run): Promise<StartResult>;
  activeRunIds(): Promise<string[]>;
  /** The export the last successful run loaded (undefined when no run has loaded one yet). */
  lastLoadedExport(): Promise<NonNullable<Run["sourceObject"]> | undefined>;
  freshnessFacts(): Promise<{ lastSuccessAt: Date | null; customerCount: number }>;
}

const COLUMNS = RUN_COLUMNS.join(", ");

/**
 * Every write to a run happens in a transaction holding a lock on that run, so two deliveries
 * for one run (or a delivery and the sweep) apply one after the other, each on the latest row.
 * The advisory lock also covers a run that has no row yet; `for update` waits for the loader,
 * which writes counts to the same row.
 */
export function createRunStore(db: Database): RunStore {
  const sql = db.sql;

  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toDbError(error);
    }
  }

  async function readOne(tx: Sql | TransactionSql, runId: string, lock: boolean): Promise<Run | undefined> {
    const rows = lock
      ? await tx.unsafe(`select ${COLUMNS} from crm_sync.runs where id = $1 for update`, [runId])
      : await tx.unsafe(`select ${COLUMNS} from crm_sync.runs where id = $1`, [runId]);
    return rows[0] === undefined ? undefined : runFromRow(rows[0]);
  }

  return {
    get: (runId) => guarded(() => readOne(sql, runId, false)),

    list: (limit) =>
      guarded(async () => {
        const rows = await sql.unsafe(`select ${COLUMNS} from crm_sync.runs order by requested_at desc, id desc limit $1`, [limit]);
        return rows.map(runFromRow);
      }),

    update: (runId, change) =>
      guarded(() =>
        sql.begin(async (tx) => {
          await tx`select pg_advisory_xact_lock(hashtext(${`crm_sync.run:${runId}`}))`;
          const before = await readOne(tx, runId, true);
          const after = change(before);
          const changed = after !== undefined && (before === undefined || !sameRun(before, after));
          if (changed) await writeRun(tx, after);
          return { before, after: changed ? after : before, changed };
        }),
      ),

    startOrCoalesce: (create) =>
      guarded(() =>
        sql.begin(async (tx) => {
          // One lock for every caller that wants to start a run: the check and the insert are
          // atomic across processes and instances, which an in-memory flag could never be.
          await tx`select pg_advisory_xact_lock(hashtext('crm_sync.single-flight'))`;
          const active = await tx.unsafe(
            `select ${COLUMNS} from crm_sync.runs where status in ('queued', 'running') order by requested_at desc limit 1`,
          );
          if (active[0] !== undefined) return { run: runFromRow(active[0]), coalesced: true };
          const run = create();
          await writeRun(tx, run);
          return { run, coalesced: false };
        }),
      ),

    activeRunIds: () =>
      guarded(async () => {
        const rows = await sql<{ id: string }[]>`select id from crm_sync.runs where status in ('queued', 'running')`;
        return rows.map((row) => row.id);
      }),

    lastLoadedExport: () =>
      guarded(async () => {
        const rows = await sql.unsafe(
          `select ${COLUMNS} from crm_sync.runs where status = 'succeeded' and source_object is not null
           order by finished_at desc nulls last, requested_at desc limit 1`,
        );
        return rows[0] === undefined ? undefined : (runFromRow(rows[0]).sourceObject ?? undefined);
      }),

    freshnessFacts: () =>
      guarded(async () => {
        const [success] = await sql<{ at: Date | null }[]>`
          select max(finished_at) as at from crm_sync.runs where status = 'succeeded'`;
        const [customers] = await sql<{ count: string }[]>`
          select count(*) as count from crm_sync.customers where deleted_at is null`;
        return { lastSuccessAt: success?.at ?? null, customerCount: Number(customers?.count ?? 0) };
      }),
  };
}

async function writeRun(tx: TransactionSql, run: Run): Promise<void> {
  // sql.json, not JSON.stringify: postgres.js serializes a jsonb parameter itself, so a string
  // would be stored as a JSON string instead of an object.
  const json = (value: object | null) => (value === null ? null : tx.json(value as JSONValue));
  await tx`
    insert into crm_sync.runs (
      id, trigger, requested_by, status, stage, stage_message, stage_message_at, requested_at, started_at,
      stage_changed_at, finished_at, counts, duration_ms, error_code, error_message, error_retryable,
      destination_untouched, artifacts, source_object, sha256, rows_in_file, portal_total, attempt,
      approved_at, stage_timed_out, trace_id, approved_by, discarded_at, discarded_by, updated_at
    ) values (
      ${run.id}, ${run.trigger}, ${run.requestedBy}, ${run.status}, ${run.stage}, ${run.stageMessage},
      ${run.stageMessageAt}, ${run.requestedAt}, ${run.startedAt}, ${run.stageChangedAt}, ${run.finishedAt},
      ${json(run.counts)}, ${run.durationMs}, ${run.error?.code ?? null}, ${run.error?.message ?? null},
      ${run.error?.retryable ?? null}, ${run.destinationUntouched}, ${json(run.artifacts)},
      ${json(run.sourceObject)}, ${run.sourceObject?.sha256 ?? null}, ${run.rowsInFile}, ${run.portalTotal},
      ${run.attempt}, ${run.approvedAt}, ${run.stageTimedOut}, ${run.traceId},
      ${run.approvedBy}, ${run.discardedAt}, ${run.discardedBy}, now()
    )
    on conflict (id) do update set
      trigger = excluded.trigger, requested_by = excluded.requested_by, status = excluded.status,
      stage = excluded.stage, stage_message = excluded.stage_message, stage_message_at = excluded.stage_message_at,
      requested_at = excluded.requested_at, started_at = excluded.started_at,
      stage_changed_at = excluded.stage_changed_at, finished_at = excluded.finished_at, counts = excluded.counts,
      duration_ms = excluded.duration_ms, error_code = excluded.error_code, error_message = excluded.error_message,
      error_retryable = excluded.error_retryable, destination_untouched = excluded.destination_untouched,
      artifacts = excluded.artifacts, source_object = excluded.source_object, sha256 = coalesce(excluded.sha256, crm_sync.runs.sha256),
      rows_in_file = excluded.rows_in_file, portal_total = excluded.portal_total, attempt = excluded.attempt,
      approved_at = excluded.approved_at, stage_timed_out = excluded.stage_timed_out, trace_id = excluded.trace_id,
      approved_by = excluded.approved_by, discarded_at = excluded.discarded_at, discarded_by = excluded.discarded_by,
      updated_at = now()`;
}
