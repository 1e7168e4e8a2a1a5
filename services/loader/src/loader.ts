import { makeEvent, subscriptionName, TOPICS } from "@crm-sync/contracts";
import type { BlobStore } from "@crm-sync/blob";
import type { EventBus, EventHandler, Subscription } from "@crm-sync/bus";
import type { Database } from "@crm-sync/db";
import { SyncError } from "@crm-sync/errors";
import { forRun, type Logger } from "@crm-sync/logging";
import type { GuardLimits } from "./domain/guards.ts";
import { csvReadyHandler } from "./handlers/csv-ready.ts";
import type { LoadDeps } from "./load-export.ts";
import { findHeldRun } from "./store/run-records.ts";

export interface LoaderDeps {
  db: Database;
  bus: EventBus;
  blobs: BlobStore;
  logger: Logger;
  limits?: GuardLimits;
  /** Default 5, Pub/Sub's default; must match the subscription. */
  maxDeliveryAttempts?: number;
  /** Runs after the writes, just before commit; tests inject crashes here. */
  beforeCommit?: LoadDeps["beforeCommit"];
  /** A download that yields no bytes this long fails the load with BLOB_UNAVAILABLE (default 60 s). */
  blobStallTimeoutMs?: number;
}

export interface Loader {
  /** The `csv-ready` handler, for a push endpoint or a subscription. */
  handleCsvReady: EventHandler<"csv-ready">;
  /** Pulls `csv-ready` from the bus (pull-worker and embedded modes). */
  subscribe(): Promise<Subscription>;
  /**
   * An operator approves a run held with MASS_DELETE_HELD: its export is announced again with
   * `allowMassDelete`, and the load runs in full. Returns the published message id.
   */
  approveHeldRun(runId: string): Promise<string>;
  close(): Promise<void>;
}

/** A download that yields no bytes for a minute has stalled: GCS sends an object at many MB/s. */
const DEFAULT_BLOB_STALL_TIMEOUT_MS = 60_000;

export const LOADER_SUBSCRIPTION = subscriptionName("loader", TOPICS.csvReady);

/** The loader without a server around it: `npm start` wires it to the in-memory bus. */
export function createLoader(deps: LoaderDeps): Loader {
  const maxDeliveryAttempts = deps.maxDeliveryAttempts ?? 5;
  const handleCsvReady = csvReadyHandler({ ...deps, maxDeliveryAttempts, blobStallTimeoutMs: deps.blobStallTimeoutMs ?? DEFAULT_BLOB_STALL_TIMEOUT_MS });
  const subscriptions: Subscription[] = [];
  return {
    handleCsvReady,
    async subscribe() {
      const subscription = await deps.bus.subscribe(TOPICS.csvReady, LOADER_SUBSCRIPTION, handleCsvReady, { maxDeliveryAttempts });
      subscriptions.push(subscription);
      return subscription;
    },
    async approveHeldRun(runId) {
      const held = await findHeldRun(deps.db.sql, runId);
      if (held === undefined) {
        throw new SyncError("INVALID_MESSAGE", "No held export is recorded for this run; only a run held by the mass-delete guard can be approved.");
      }
      forRun(deps.logger, runId).info({ object: held.object.name }, "operator approved a held mass delete; announcing the export again");
      return await deps.bus.publish(makeEvent("csv-ready", runId, { object: held.object, rows: held.rows, allowMassDelete: true }));
    },
    async close() {
      for (const subscription of subscriptions.splice(0)) await subscription.close();
    },
  };
}
