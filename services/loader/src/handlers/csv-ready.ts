import { makeEvent, type DataOf, type EventType } from "@crm-sync/contracts";
import { BlobNotFoundError, isExportObjectName, readWithStallTimeout, type BlobStore } from "@crm-sync/blob/local";
import type { EventBus, EventHandler, HandlerOutcome } from "@crm-sync/bus/local";
import type { Database } from "@crm-sync/db";
import { SyncError, isSyncError, toSyncError } from "@crm-sync/errors";
import { forRun, type Logger } from "@crm-sync/logging";
import { stageSpans } from "@crm-sync/telemetry";
import { decideFailure } from "../domain/failure-policy.ts";
import type { GuardLimits } from "../domain/guards.ts";
import { loadExport, type LoadDeps } from "../load-export.ts";
import { publishCompletionOnce } from "../store/run-records.ts";

export interface CsvReadyDeps {
  db: Database;
  bus: EventBus;
  blobs: BlobStore;
  logger: Logger;
  limits?: GuardLimits;
  /** Must equal the subscription's maxDeliveryAttempts: the last attempt reports the failure. */
  maxDeliveryAttempts: number;
  beforeCommit?: LoadDeps["beforeCommit"];
  /** A download that yields no bytes this long fails the load with BLOB_UNAVAILABLE. */
  blobStallTimeoutMs: number;
}

type LoadStage = "parsing" | "diffing" | "committing";

/**
 * Loads the export a `csv-ready` names. Redelivery of a load already committed publishes
 * nothing new, unless its `sync-completed` never went out (a crash between commit and
 * publish), which is then sent once.
 */
export function csvReadyHandler(deps: CsvReadyDeps): EventHandler<"csv-ready"> {
  return async ({ event, deliveryAttempt }) => {
    const { runId } = event;
    const { object, allowMassDelete } = event.data;
    const logger = forRun(deps.logger, runId);
    const publish = <T extends EventType>(type: T, data: DataOf<T>) => deps.bus.publish(makeEvent(type, runId, data));
    let stage: LoadStage = "parsing";
    const stages = stageSpans("loader");
    stages.enter(stage);
    let result;
    try {
      // Names come from messages: only this store's exports are ever read, never evidence or another bucket.
      if (object.bucket !== deps.blobs.bucket || !isExportObjectName(object.name)) {
        throw new SyncError("INVALID_MESSAGE", "csv-ready named an object outside this deployment's exports; nothing was read.");
      }
      result = await loadExport(
        {
          db: deps.db,
          logger: deps.logger,
          ...(deps.limits === undefined ? {} : { limits: deps.limits }),
          ...(deps.beforeCommit === undefined ? {} : { beforeCommit: deps.beforeCommit }),
          onStage: async (next, message) => {
            stage = next;
            stages.enter(next);
            await publish("sync-progress", { stage: next, message });
          },
        },
        {
          runId,
          openSource: () => openExport(deps.blobs, object.name, deps.blobStallTimeoutMs),
          expectedSha256: object.sha256,
          sourceObject: object,
          allowMassDelete: allowMassDelete ?? false,
        },
      );
    } catch (error) {
      stages.end(error);
      return await reportFailure(deps, logger, { stage, attempt: deliveryAttempt, error, publish });
    }
    stages.end();
    if (result.status === "dry-run") throw new Error("a handler load is never a dry run");
    // Committed: a failure from here on is the bus's and is retried (thrown), never reported
    // as a failed load; the redelivery finds the load recorded and only publishes.
    const { counts, durationMs } = result;
    const sent = await publishCompletionOnce(deps.db.sql, result.messageKey, () => publish("sync-completed", { counts, durationMs }));
    if (!sent) logger.info({ object: object.name }, "export already loaded and announced for this run; nothing to do");
    else logger.info({ counts, durationMs, redelivered: result.status === "duplicate" }, "load completed");
    return "ack";
  };
}

async function openExport(blobs: BlobStore, name: string, stallMs: number) {
  try {
    // The download feeds a COPY inside the load's transaction: a stalled one must end the load
    // (and free its lock), which no database timeout does while a COPY waits for data.
    return await readWithStallTimeout(() => blobs.get(name), stallMs);
  } catch (error) {
    if (isSyncError(error)) throw error;
    if (error instanceof BlobNotFoundError) {
      throw new SyncError("EXPORT_INCOMPLETE", "The export named by csv-ready is not in storage.", { cause: error });
    }
    throw new SyncError("BLOB_UNAVAILABLE", "The export could not be read from storage.", { cause: error });
  }
}

interface FailureContext {
  stage: LoadStage;
  attempt: number;
  error: unknown;
  publish: <T extends EventType>(type: T, data: DataOf<T>) => Promise<string>;
}

async function reportFailure(deps: CsvReadyDeps, logger: Logger, context: FailureContext): Promise<HandlerOutcome> {
  const failure = toSyncError(context.error);
  const decision = decideFailure(failure.retryable, context.attempt, deps.maxDeliveryAttempts);
  logger.error({ err: context.error, code: failure.code, stage: context.stage, attempt: context.attempt, outcome: decision.outcome }, "load failed");
  if (decision.reportFailed) {
    await context.publish("sync-failed", {
      stage: context.stage,
      code: failure.code,
      retryable: failure.retryable,
      message: failure.message,
      // Every write happens in the one transaction, which a failure rolls back.
      destinationUntouched: true,
      artifacts: [],
      attempt: context.attempt,
    });
  } else {
    await context.publish("sync-progress", {
      stage: context.stage,
      message: `${failure.message} Retrying (attempt ${context.attempt} of ${deps.maxDeliveryAttempts} failed).`.slice(0, 500),
    });
  }
  return decision.outcome;
}
