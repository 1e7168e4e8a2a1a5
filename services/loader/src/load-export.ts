import type { Readable } from "node:stream";
import type { Sql } from "postgres";
import type { Stage, StoredObject, SyncCounts } from "@crm-sync/contracts";
import type { Database } from "@crm-sync/db";
import { commitBehind, inTransaction, toDbError, type CommitBehind } from "@crm-sync/db";
import { SyncError } from "@crm-sync/errors";
import { forRun, type Logger } from "@crm-sync/logging";
import { maskKey } from "./domain/customer-key.ts";
import { checkGuards, DEFAULT_GUARD_LIMITS, type GuardLimits } from "./domain/guards.ts";
import { NO_REJECTS, RejectTally, type RejectReport } from "./domain/reject-reason.ts";
import type { StagedCustomer } from "./domain/staged-customer.ts";
import { parseExport, type ParseTally } from "./parse/parse-export.ts";
import { applyPlan } from "./store/apply-plan.ts";
import { buildPlan, samplePlan, type PlanSampleEntry, type PlanTotals } from "./store/diff-plan.ts";
import { findProcessedLoad, loadMessageKey, recordProcessedLoad, recordRunOutcome, type ProcessedLoad } from "./store/run-records.ts";
import { CREATE_STAGING, stageByCopy, stageByUnnest } from "./store/staging-table.ts";
import { plannedRemovals, recordHeldRemovals, recordRejects } from "./store/run-review.ts";

export interface LoadRequest {
  runId: string;
  /** Opened inside the transaction, so a retry reads the file again from the start. */
  openSource: () => Promise<Readable>;
  /** The sha256 the producer recorded (csv-ready); the bytes read must match it. */
  expectedSha256?: string;
  sourceObject?: StoredObject;
  allowMassDelete?: boolean;
  /** Compute the diff and roll it back: nothing is written, not even the run record. */
  dryRun?: boolean;
  /**
   * A dry run only: SQL run first in its transaction and rolled back with it. `crm-sync doctor`
   * passes the pending migrations, to show what the first load after them would do.
   */
  dryRunSetup?: string;
}

export interface LoadDeps {
  db: Database;
  logger: Logger;
  limits?: GuardLimits;
  onStage?: (stage: Extract<Stage, "parsing" | "diffing" | "committing">, message: string) => Promise<void> | void;
  onRows?: (rowsSoFar: number) => void;
  /** Runs after the writes, just before commit. Tests inject crashes here. */
  beforeCommit?: (runId: string) => Promise<void> | void;
}

export interface DiffSampleEntry {
  change: "insert" | "update" | "phone change" | "revive" | "soft delete";
  key: string;
  row: number | null;
}

/** `rejects` says where and why rows were rejected (row, column, code; never values). */
export type LoadResult =
  | { status: "loaded"; counts: SyncCounts; rejects: RejectReport; durationMs: number; sha256: string; messageKey: string }
  | { status: "duplicate"; counts: SyncCounts; rejects: RejectReport; durationMs: number; sha256: string; messageKey: string; published: boolean }
  | { status: "dry-run"; counts: SyncCounts; rejects: RejectReport; durationMs: number; sha256: string; sample: DiffSampleEntry[] };

/** Rejected rows logged one line each; the rest are in the result and the summary's counts. */
const LOGGED_REJECTS = 20;

/** A result before its duration is stamped on it, once the transaction has ended. */
type Untimed<R> = R extends unknown ? Omit<R, "durationMs"> : never;

/**
 * Sent with BEGIN: the loads of all loaders queue on this lock, one at a time. A load waiting its
 * turn behind another (a redelivery while the first attempt still runs) may wait as long as one
 * statement may run, not just the lock timeout, which is sized for row locks: so lock_timeout is
 * off for that one wait and then put back to what the session had (a start-up parameter, or the
 * `set local` of a transaction pooler), kept meanwhile in a setting of the transaction's own.
 */
const LOCK_AND_STAGE = `
  select set_config('crm_sync.lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '0', true);
  select pg_advisory_xact_lock(hashtext('crm_sync.loader'));
  select set_config('lock_timeout', current_setting('crm_sync.lock_timeout'), true);
  set local work_mem = '64MB';
  ${CREATE_STAGING};`;

class RolledBack {
  readonly result: Untimed<LoadResult>;
  constructor(result: Untimed<LoadResult>) {
    this.result = result;
  }
}

/**
 * One load, one transaction: lock, stream the export into staging, diff, check the guards,
 * write, record. Any failure rolls everything back, so the customer table is either fully
 * updated or untouched.
 */
export async function loadExport(deps: LoadDeps, request: LoadRequest): Promise<LoadResult> {
  const started = Date.now();
  const logger = forRun(deps.logger, request.runId);
  const limits = deps.limits ?? DEFAULT_GUARD_LIMITS;
  let tally: ParseTally | undefined;
  // What a refused load decided, kept for the dashboard after the rollback (see rememberRefusal).
  const refused: { rejects?: RejectReport; removals?: string[] } = {};
  try {
    if (request.dryRunSetup !== undefined && !request.dryRun) throw new SyncError("INTERNAL", "dryRunSetup is for dry runs only.");
    const opening = request.dryRunSetup === undefined ? LOCK_AND_STAGE : `${request.dryRunSetup};\n${LOCK_AND_STAGE}`;
    const result = await inTransaction(deps.db.sql, `${deps.db.transactionSettings} ${opening}`, async (tx): Promise<Untimed<LoadResult> | CommitBehind<Untimed<LoadResult>>> => {
      // Statements awaited together are pipelined: sent at once (in the order they are made: each
      // is `execute()`d as it is made), answered in order, one round trip for the lot. Against a
      // database 20 ms away a load is mostly round trips.
      if (request.expectedSha256 !== undefined && !request.dryRun) {
        const seen = await duplicateOf(tx, request.runId, request.expectedSha256);
        if (seen !== undefined) return seen;
      }

      await deps.onStage?.("parsing", "Reading the export");
      const source = await request.openSource();
      const stage = deps.db.supportsCopy ? stageByCopy : stageByUnnest;
      tally = await parseExport(source, (batches: AsyncIterable<StagedCustomer[]>) => stage(tx, batches), {
        ...(request.expectedSha256 === undefined ? {} : { expectedSha256: request.expectedSha256 }),
        ...(deps.onRows === undefined ? {} : { onRows: deps.onRows }),
      });

      await deps.onStage?.("diffing", `Comparing ${tally.rows} rows with the customer table`);
      // Without a recorded sha256 (a local file) the bytes just read are the identity.
      const lateSha = request.expectedSha256 === undefined && !request.dryRun ? tally.sha256 : undefined;
      const [seen, { totals, duplicates }] = await Promise.all([
        lateSha === undefined ? undefined : duplicateOf(tx, request.runId, lateSha),
        buildPlan(tx),
      ]);
      if (seen !== undefined) return seen;
      const counts = countsOf(tally, totals);
      const rejects = mergedRejects(tally.rejects, duplicates);
      // `reason`, not `code`: in these logs `code` is an error code, which a rejected row is not.
      for (const { row, column, code } of rejects.rows.slice(0, LOGGED_REJECTS)) logger.warn({ row, column, reason: code }, "row rejected");
      logger.info({ counts, rejectReasons: rejects.reasons, activeBefore: totals.activeBefore }, "diff computed");
      const refusal = checkGuards(
        {
          rows: counts.rows,
          rejected: counts.rejected,
          activeBefore: totals.activeBefore,
          softDeleted: counts.softDeleted,
          allowMassDelete: request.allowMassDelete ?? false,
          rejectReasons: rejects.reasons,
        },
        limits,
      );
      if (refusal !== undefined) {
        refused.rejects = rejects;
        if (refusal.code === "MASS_DELETE_HELD") refused.removals = await plannedRemovals(tx);
        throw refusal;
      }

      if (request.dryRun) {
        const sample = (await samplePlan(tx, 5)).map(describeSample);
        throw new RolledBack({ status: "dry-run", counts, rejects, sha256: tally.sha256, sample });
      }

      await deps.onStage?.("committing", "Writing the changes");
      const messageKey = loadMessageKey(request.runId, tally.sha256);
      const writes = Promise.all([
        applyPlan(tx, request.runId),
        recordRejects(tx, request.runId, rejects),
        recordProcessedLoad(tx, messageKey, request.runId, { counts, rejects, published: false }),
        recordRunOutcome(tx, request.runId, {
          sha256: tally.sha256,
          rows: counts.rows,
          counts,
          ...(request.sourceObject === undefined ? {} : { sourceObject: request.sourceObject }),
        }),
      ]);
      const loaded = { status: "loaded" as const, counts, rejects, sha256: tally.sha256, messageKey };
      if (deps.beforeCommit === undefined) return commitBehind(writes, loaded);
      await writes;
      await deps.beforeCommit(request.runId);
      return loaded;
    });
    // Durations are stamped once the transaction has ended, so they include the commit (or rollback).
    return { ...result, durationMs: Date.now() - started };
  } catch (error) {
    if (error instanceof RolledBack) return { ...error.result, durationMs: Date.now() - started };
    const failure = toDbError(error);
    if (failure.code === "MASS_DELETE_HELD") await rememberHeldRun(deps, request, tally, failure);
    if (!request.dryRun) await rememberRefusal(deps, request.runId, refused, failure);
    throw failure;
  }
}

async function duplicateOf(tx: Sql, runId: string, sha256: string): Promise<Untimed<LoadResult> | undefined> {
  const messageKey = loadMessageKey(runId, sha256);
  const seen: ProcessedLoad | undefined = await findProcessedLoad(tx, messageKey);
  if (seen === undefined) return undefined;
  // Loads recorded before reject reasons were kept have none to tell.
  const rejects = seen.rejects ?? NO_REJECTS;
  return { status: "duplicate", counts: seen.counts, rejects, sha256, messageKey, published: seen.published };
}

function mergedRejects(parsed: RejectReport, duplicates: RejectReport): RejectReport {
  const all = new RejectTally();
  all.merge(parsed);
  all.merge(duplicates);
  return all.report();
}

function countsOf(tally: ParseTally, totals: PlanTotals): SyncCounts {
  return {
    rows: tally.rows,
    inserted: totals.inserted,
    updated: totals.updated,
    unchanged: tally.rows - totals.rejected - totals.inserted - totals.updated - totals.revived,
    softDeleted: totals.softDeleted,
    revived: totals.revived,
    rejected: totals.rejected,
  };
}

const CHANGE_NAMES: Record<PlanSampleEntry["kind"], DiffSampleEntry["change"]> = {
  insert: "insert",
  update: "update",
  rekey: "phone change",
  revive: "revive",
  soft_delete: "soft delete",
};

function describeSample(entry: PlanSampleEntry): DiffSampleEntry {
  return { change: CHANGE_NAMES[entry.kind], key: maskKey(entry.customerKey), row: entry.rowNo };
}

/** A refused load's rejected rows and would-be removals are kept (outside the rolled-back transaction) for the run page. */
async function rememberRefusal(deps: LoadDeps, runId: string, refused: { rejects?: RejectReport; removals?: string[] }, failure: SyncError): Promise<void> {
  try {
    if (refused.rejects !== undefined) await recordRejects(deps.db.sql, runId, refused.rejects);
    if (refused.removals !== undefined) await recordHeldRemovals(deps.db.sql, runId, refused.removals);
  } catch (error) {
    forRun(deps.logger, runId).warn({ err: error, code: failure.code }, "could not record what the refused load decided");
  }
}

/** A held run's object is recorded (outside the rolled-back transaction) so it can be approved later. */
async function rememberHeldRun(deps: LoadDeps, request: LoadRequest, tally: ParseTally | undefined, failure: SyncError): Promise<void> {
  if (tally === undefined || request.sourceObject === undefined || request.dryRun) return;
  try {
    await recordRunOutcome(deps.db.sql, request.runId, { sha256: tally.sha256, rows: tally.rows, sourceObject: request.sourceObject });
  } catch (error) {
    forRun(deps.logger, request.runId).warn({ err: error, code: failure.code }, "could not record the held run's export");
  }
}
