import type { JSONValue, Sql, TransactionSql } from "postgres";
import type { EventOf } from "@crm-sync/contracts";
import type { Database } from "@crm-sync/db";
import { toDbError } from "@crm-sync/db";
import { sameRun, type Run } from "../domain/run.ts";
import { applyEvent } from "../domain/ledger.ts";
import { decideRequest, mirrorServing, needsDispatch } from "../domain/single-flight.ts";
import { RUN_COLUMNS, runFromRow } from "./run-row.ts";
import { MIRROR_ASSIGNMENTS } from "./mirror-columns.ts";

export interface ProjectionResult {
  before: Run | undefined;
  after: Run | undefined;
  changed: boolean;
}

/**
 * One sync request, decided: `record` is the request's own row, `serving` the run that does the
 * work for it (the same row when the request opened the run). `busy`: a run is active and the
 * request could not join it; nothing was written.
 */
export type RequestResult =
  | { decision: "opened" | "joined" | "known"; record: Run; serving: Run }
  | { decision: "busy"; serving: Run };

export interface RequestOptions {
  /** False for replays: they are refused while a run is active instead of joining it. */
  joinActive: boolean;
  traceId?: string;
}

export interface RunStore {
  get(runId: string): Promise<Run | undefined>;
  list(limit: number): Promise<Run[]>;
  /** Runs `change` on the current row under a per-run lock and writes what it returns. */
  update(runId: string, change: (current: Run | undefined) => Run | undefined): Promise<ProjectionResult>;
  /**
   * Records a sync request under the single-flight lock: it opens a run when none is active, or
   * joins the active one (its row names the run in `served_by` and mirrors it until it finishes).
   */
  request(request: EventOf<"sync-requested">, options: RequestOptions): Promise<RequestResult>;
  /**
   * Publishes an opened run's first work message once: under the run's row lock, only while it
   * still needs it (see needsDispatch), and notes it in the same transaction. Concurrent copies of
   * a request wait and find it done; a failed publish leaves it to do. Returns the run when this
   * call handed it over.
   */
  dispatchOnce(runId: string, at: Date, publish: () => Promise<unknown>): Promise<Run | undefined>;
  /** Runs that are queued or running themselves (joined requests follow theirs). */
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
 *
 * Single-flight: deciding a request takes the single-flight lock exclusively; every write of a
 * run takes it shared, first, and copies the run onto the requests it serves. So a request either
 * joins before the run's write (and that write's copy reaches it) or after it (and sees the run as
 * written: finished, it opens a new run): a joined request never misses its run's outcome. Every
 * trigger transaction takes the single-flight lock before any run lock or row, so they cannot wait
 * on each other in a cycle; the loader's short row lock at its commit waits on nothing here.
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

  const update: RunStore["update"] = (runId, change) =>
    guarded(() =>
      sql.begin(async (tx) => {
        // Shared single-flight first, always in this order (see above): a request being decided
        // waits for this write, and this write for it, but never in a cycle.
        await tx`select pg_advisory_xact_lock_shared(hashtext(${SINGLE_FLIGHT_LOCK}))`;
        await tx`select pg_advisory_xact_lock(hashtext(${`crm_sync.run:${runId}`}))`;
        const before = await readOne(tx, runId, true);
        const after = change(before);
        const changed = after !== undefined && (before === undefined || !sameRun(before, after));
        if (changed) {
          await writeRun(tx, after);
          if (after.servedBy === null) await mirrorOntoJoined(tx, after.id);
        }
        return { before, after: changed ? after : before, changed };
      }),
    );

  return {
    get: (runId) => guarded(() => readOne(sql, runId, false)),

    list: (limit) =>
      guarded(async () => {
        const rows = await sql.unsafe(`select ${COLUMNS} from crm_sync.runs order by requested_at desc, id desc limit $1`, [limit]);
        return rows.map(runFromRow);
      }),

    update,

    request: async (request, options) => {
      const traceId = options.traceId === undefined ? {} : { traceId: options.traceId };
      // A redelivery (Pub/Sub's duplicates) is decided without the exclusive lock: its record
      // exists, and records are never removed, so nothing is left to decide but a missing trigger.
      const seen = await guarded(() => readOne(sql, request.runId, false));
      if (seen !== undefined) {
        const filledIn = (current: Run) => applyEvent(current, request, options.traceId);
        const record = sameRun(seen, filledIn(seen)) ? seen : ((await update(request.runId, (current) => current && filledIn(current))).after ?? seen);
        const serving = record.servedBy === null ? record : ((await guarded(() => readOne(sql, record.servedBy as string, false))) ?? record);
        return { decision: "known", record, serving };
      }
      return await guarded(() =>
        sql.begin(async (tx): Promise<RequestResult> => {
          // One lock for every request, from every way in: the check and the insert are atomic
          // across processes and instances, which an in-memory flag could never be.
          await tx`select pg_advisory_xact_lock(hashtext(${SINGLE_FLIGHT_LOCK}))`;
          const existing = await readOne(tx, request.runId, false);
          const activeRows = await tx.unsafe(
            `select ${COLUMNS} from crm_sync.runs where status in ('queued', 'running') and served_by is null
             order by requested_at desc limit 1`,
          );
          const active = activeRows[0] === undefined ? undefined : runFromRow(activeRows[0]);
          const decision = decideRequest({ request, existing, active, joinable: options.joinActive, ...traceId });
          switch (decision.kind) {
            case "busy":
              return { decision: "busy", serving: decision.active };
            case "opened":
              await writeRun(tx, decision.record);
              return { decision: "opened", record: decision.record, serving: decision.record };
            case "joined": {
              const serving = active as Run;
              const record = mirrorServing(decision.record, serving);
              await writeRun(tx, record);
              return { decision: "joined", record, serving };
            }
            case "known": {
              const record = decision.record;
              if (existing === undefined || !sameRun(existing, record)) await writeRun(tx, record);
              const serving = record.servedBy === null ? record : ((await readOne(tx, record.servedBy, false)) ?? record);
              return { decision: "known", record, serving };
            }
          }
        }),
      );
    },

    dispatchOnce: (runId, at, publish) =>
      guarded(() =>
        sql.begin(async (tx) => {
          // The row lock alone (no single-flight lock): other requests are decided meanwhile, and
          // nothing here waits on them. Publishing inside the transaction means a stop between the
          // publish and the commit hands the run over again on redelivery (the scraper is
          // idempotent per run), never not at all.
          const current = await readOne(tx, runId, true);
          if (current === undefined || !needsDispatch(current)) return undefined;
          await publish();
          const dispatched = { ...current, dispatchedAt: at };
          await writeRun(tx, dispatched);
          return dispatched;
        }),
      ),

    activeRunIds: () =>
      guarded(async () => {
        const rows = await sql<{ id: string }[]>`select id from crm_sync.runs where status in ('queued', 'running') and served_by is null`;
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

const SINGLE_FLIGHT_LOCK = "crm_sync.single-flight";

/** Copies a run's progress and outcome onto every request it serves, in one statement. */
async function mirrorOntoJoined(tx: TransactionSql, runId: string): Promise<void> {
  await tx.unsafe(
    `update crm_sync.runs joined set ${MIRROR_ASSIGNMENTS}, updated_at = now()
     from crm_sync.runs serving where serving.id = $1 and joined.served_by = serving.id`,
    [runId],
  );
}

async function writeRun(tx: TransactionSql, run: Run): Promise<void> {
  // sql.json, not JSON.stringify: postgres.js serializes a jsonb parameter itself, so a string
  // would be stored as a JSON string instead of an object.
  const json = (value: object | null) => (value === null ? null : tx.json(value as JSONValue));
  await tx`
    insert into crm_sync.runs (
      id, trigger, requested_by, status, stage, stage_message, stage_message_at, requested_at, started_at,
      stage_changed_at, stage_times, finished_at, counts, duration_ms, error_code, error_message, error_retryable,
      destination_untouched, artifacts, source_object, sha256, rows_in_file, portal_total, attempt,
      approved_at, stage_timed_out, trace_id, approved_by, discarded_at, discarded_by, served_by, dispatched_at, updated_at
    ) values (
      ${run.id}, ${run.trigger}, ${run.requestedBy}, ${run.status}, ${run.stage}, ${run.stageMessage},
      ${run.stageMessageAt}, ${run.requestedAt}, ${run.startedAt}, ${run.stageChangedAt}, ${json(run.stageTimes)}, ${run.finishedAt},
      ${json(run.counts)}, ${run.durationMs}, ${run.error?.code ?? null}, ${run.error?.message ?? null},
      ${run.error?.retryable ?? null}, ${run.destinationUntouched}, ${json(run.artifacts)},
      ${json(run.sourceObject)}, ${run.sourceObject?.sha256 ?? null}, ${run.rowsInFile}, ${run.portalTotal},
      ${run.attempt}, ${run.approvedAt}, ${run.stageTimedOut}, ${run.traceId},
      ${run.approvedBy}, ${run.discardedAt}, ${run.discardedBy}, ${run.servedBy}, ${run.dispatchedAt}, now()
    )
    on conflict (id) do update set
      trigger = excluded.trigger, requested_by = excluded.requested_by, status = excluded.status,
      stage = excluded.stage, stage_message = excluded.stage_message, stage_message_at = excluded.stage_message_at,
      requested_at = excluded.requested_at, started_at = excluded.started_at,
      stage_changed_at = excluded.stage_changed_at, stage_times = excluded.stage_times, finished_at = excluded.finished_at, counts = excluded.counts,
      duration_ms = excluded.duration_ms, error_code = excluded.error_code, error_message = excluded.error_message,
      error_retryable = excluded.error_retryable, destination_untouched = excluded.destination_untouched,
      artifacts = excluded.artifacts, source_object = excluded.source_object, sha256 = coalesce(excluded.sha256, crm_sync.runs.sha256),
      rows_in_file = excluded.rows_in_file, portal_total = excluded.portal_total, attempt = excluded.attempt,
      approved_at = excluded.approved_at, stage_timed_out = excluded.stage_timed_out, trace_id = excluded.trace_id,
      approved_by = excluded.approved_by, discarded_at = excluded.discarded_at, discarded_by = excluded.discarded_by,
      served_by = excluded.served_by, dispatched_at = coalesce(crm_sync.runs.dispatched_at, excluded.dispatched_at),
      updated_at = now()`;
}
