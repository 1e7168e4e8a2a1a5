import { ERROR_CODES, makeEvent, type Artifact, type DataOf, type EventType, type Stage } from "@crm-sync/contracts";
import type { BlobInfo, BlobStore } from "@crm-sync/blob";
import type { EventBus, EventHandler, HandlerOutcome } from "@crm-sync/bus";
import { toSyncError, type SyncError } from "@crm-sync/errors";
import { forRun, type Logger } from "@crm-sync/logging";
import { stageSpans } from "@crm-sync/telemetry";
import { decideFailure } from "../domain/failure-policy.ts";
import { exportObjectName } from "../domain/object-names.ts";
import { verifyExport } from "../domain/verify-export.ts";
import { PortalFailure, type CustomerExportSource } from "../portal/portal-export.ts";
import { storeExport } from "../store/store-export.ts";
import { uploadArtifacts } from "../store/upload-artifacts.ts";

export interface ScrapeRequestedDeps {
  bus: EventBus;
  blobs: BlobStore;
  portal: CustomerExportSource;
  logger: Logger;
  /** Must equal the subscription's maxDeliveryAttempts: the last attempt reports the failure. */
  maxDeliveryAttempts: number;
}

/**
 * One run the trigger's ledger opened (`scrape-requested`; requests that joined an active run
 * never reach the scraper): export from the portal (proven complete by the driver), store create-only, then
 * announce `csv-ready`. A redelivery for a run whose export is already stored announces it
 * again without touching the portal, so the loader is never left waiting and the portal is
 * never scraped twice for one run.
 */
export function scrapeRequestedHandler(deps: ScrapeRequestedDeps): EventHandler<"scrape-requested"> {
  return async ({ event, deliveryAttempt }) => {
    const { runId } = event;
    const logger = forRun(deps.logger, runId);
    const publish = <T extends EventType>(type: T, data: DataOf<T>) => deps.bus.publish(makeEvent(type, runId, data));
    const stages = stageSpans("scraper");
    const progress = (stage: Stage, message: string) => {
      stages.enter(stage);
      return publish("sync-progress", { stage, message });
    };
    const name = exportObjectName(runId, new Date(event.occurredAt));
    const started = Date.now();
    let stage: Stage = "scraping";
    try {
      const stored = await deps.blobs.stat(name);
      if (stored !== undefined) {
        logger.info({ object: name }, "export already stored for this run; announcing it again");
        const { rows } = await verifyExport(await deps.blobs.get(name));
        await publish("csv-ready", { object: storedObject(stored), rows });
        return "ack";
      }

      await progress("scraping", "Logging in to the portal");
      const exported = await deps.portal.exportCustomers({ runId, onProgress: (message) => progress("scraping", message).then(() => undefined) });
      try {
        stage = "uploading";
        await progress("uploading", `Storing the export (${exported.rows} customers)`);
        const info = await storeExport(deps.blobs, name, exported.path, exported.sha256, runId);
        await publish("csv-ready", {
          object: storedObject(info),
          rows: exported.rows,
          ...(exported.portalTotal === undefined ? {} : { portalTotal: exported.portalTotal }),
        });
        logger.info({ object: name, rows: exported.rows, bytes: exported.bytes, durationMs: Date.now() - started }, "export stored; csv-ready published");
        stages.end();
        return "ack";
      } finally {
        await exported.cleanup();
      }
    } catch (error) {
      stages.end(error);
      return await reportFailure(deps, logger, { runId, stage, attempt: deliveryAttempt, error, publish, progress });
    }
  };
}

interface FailureContext {
  runId: string;
  stage: Stage;
  attempt: number;
  error: unknown;
  publish: <T extends EventType>(type: T, data: DataOf<T>) => Promise<string>;
  progress: (stage: Stage, message: string) => Promise<string>;
}

async function reportFailure(deps: ScrapeRequestedDeps, logger: Logger, context: FailureContext): Promise<HandlerOutcome> {
  const failure: SyncError = toSyncError(context.error);
  const decision = decideFailure(failure.retryable, context.attempt, deps.maxDeliveryAttempts);
  logger.error({ err: context.error, code: failure.code, attempt: context.attempt, outcome: decision.outcome }, "scrape failed");
  let artifacts: Artifact[] = [];
  if (failure instanceof PortalFailure) {
    try {
      artifacts = await uploadArtifacts(deps.blobs, context.runId, context.attempt, failure.artifacts, logger);
    } finally {
      await failure.cleanup();
    }
  }
  if (decision.reportFailed) {
    await context.publish("sync-failed", {
      stage: context.stage,
      code: failure.code,
      retryable: failure.retryable,
      message: failure.message || ERROR_CODES[failure.code].summary,
      // The scraper never writes customers; the table is untouched whatever happened here.
      destinationUntouched: true,
      artifacts,
      attempt: context.attempt,
    });
  } else {
    const message = `Attempt ${context.attempt} of ${deps.maxDeliveryAttempts} failed (${failure.code}); retrying. ${failure.message}`;
    await context.progress(context.stage, message.slice(0, 500));
  }
  return decision.outcome;
}

function storedObject(info: BlobInfo): DataOf<"csv-ready">["object"] {
  return { bucket: info.bucket, name: info.name, generation: info.generation, sha256: info.sha256, bytes: info.bytes };
}
