import { z } from "zod";
import { ErrorCode } from "./error-codes.ts";
import { RunId } from "./ids.ts";
import { Stage } from "./stages.ts";

export const TOPICS = {
  syncRequested: "sync-requested",
  scrapeRequested: "scrape-requested",
  syncProgress: "sync-progress",
  csvReady: "csv-ready",
  syncCompleted: "sync-completed",
  syncFailed: "sync-failed",
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];
export const ALL_TOPICS: readonly Topic[] = Object.values(TOPICS);

export const TriggerKind = z.enum(["manual", "schedule", "api", "replay"]);
export type TriggerKind = z.infer<typeof TriggerKind>;

export const SyncRequestedData = z.strictObject({
  trigger: TriggerKind,
  requestedBy: z.string().min(1).max(200).optional(),
  /** Set by an operator who approved a held mass delete for this run (re-load only). */
  allowMassDelete: z.boolean().optional(),
});

/**
 * The trigger's ledger opened a run and hands it to the scraper: the scraper's only input. Anyone
 * may publish `sync-requested`; only an opened run becomes a scrape, so requests that arrive while
 * a run is active join it instead of starting a second one. `occurredAt` is the run's request time.
 */
export const ScrapeRequestedData = z.strictObject({
  trigger: TriggerKind,
});

export const SyncProgressData = z.strictObject({
  stage: Stage,
  message: z.string().min(1).max(500),
});

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, "sha256 must be 64 lowercase hex characters");

/**
 * A GCS object generation: an int64 the JSON API sends as a decimal string (the file store mimics
 * one). Digits only, because it travels on into URLs, preconditions and the run ledger.
 */
const Generation = z.string().regex(/^[0-9]{1,19}$/, "generation must be decimal digits (a GCS object generation)");

export const StoredObject = z.strictObject({
  bucket: z.string().min(1),
  name: z.string().min(1).max(1024),
  generation: Generation,
  sha256: Sha256,
  bytes: z.number().int().nonnegative(),
});
export type StoredObject = z.infer<typeof StoredObject>;

export const CsvReadyData = z.strictObject({
  object: StoredObject,
  rows: z.number().int().nonnegative(),
  portalTotal: z.number().int().nonnegative().optional(),
  allowMassDelete: z.boolean().optional(),
});

export const SyncCounts = z.strictObject({
  rows: z.number().int().nonnegative(),
  inserted: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  softDeleted: z.number().int().nonnegative(),
  revived: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
});
export type SyncCounts = z.infer<typeof SyncCounts>;

export const SyncCompletedData = z.strictObject({
  counts: SyncCounts,
  durationMs: z.number().int().nonnegative(),
});

export const Artifact = z.strictObject({
  kind: z.enum(["screenshot", "html", "trace", "export"]),
  name: z.string().min(1),
  url: z.string().min(1),
});
export type Artifact = z.infer<typeof Artifact>;

export const FailureStage = z.enum([...Stage.options, "notifying"]);
export type FailureStage = z.infer<typeof FailureStage>;

export const SyncFailedData = z.strictObject({
  stage: FailureStage,
  code: ErrorCode,
  retryable: z.boolean(),
  /** Plain words for staff. Never personal data: built from the error code and counts only. */
  message: z.string().min(1).max(1000),
  destinationUntouched: z.boolean(),
  artifacts: z.array(Artifact).default([]),
  attempt: z.number().int().positive(),
});

function envelope<T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.strictObject({
    type: z.literal(type),
    version: z.literal(1),
    eventId: z.uuid(),
    runId: RunId,
    occurredAt: z.iso.datetime({ offset: true }),
    data,
  });
}

export const SyncRequested = envelope(TOPICS.syncRequested, SyncRequestedData);
export const ScrapeRequested = envelope(TOPICS.scrapeRequested, ScrapeRequestedData);
export const SyncProgress = envelope(TOPICS.syncProgress, SyncProgressData);
export const CsvReady = envelope(TOPICS.csvReady, CsvReadyData);
export const SyncCompleted = envelope(TOPICS.syncCompleted, SyncCompletedData);
export const SyncFailed = envelope(TOPICS.syncFailed, SyncFailedData);

export type SyncRequested = z.infer<typeof SyncRequested>;
export type ScrapeRequested = z.infer<typeof ScrapeRequested>;
export type SyncProgress = z.infer<typeof SyncProgress>;
export type CsvReady = z.infer<typeof CsvReady>;
export type SyncCompleted = z.infer<typeof SyncCompleted>;
export type SyncFailed = z.infer<typeof SyncFailed>;

export const SyncEvent = z.discriminatedUnion("type", [SyncRequested, ScrapeRequested, SyncProgress, CsvReady, SyncCompleted, SyncFailed]);
export type SyncEvent = z.infer<typeof SyncEvent>;
export type EventType = SyncEvent["type"];
export type EventOf<T extends EventType> = Extract<SyncEvent, { type: T }>;
export type DataOf<T extends EventType> = EventOf<T>["data"];

export const EVENT_SCHEMAS = {
  "sync-requested": SyncRequested,
  "scrape-requested": ScrapeRequested,
  "sync-progress": SyncProgress,
  "csv-ready": CsvReady,
  "sync-completed": SyncCompleted,
  "sync-failed": SyncFailed,
} as const satisfies Record<Topic, z.ZodType>;

/**
 * Every subscription dead-letters into this one topic; Pub/Sub adds the source subscription
 * as the `CloudPubSubDeadLetterSourceSubscription` attribute. The notifier watches it.
 */
export const DEAD_LETTER_TOPIC = "sync-dead-letter";

/** Subscription names are `<service>.<topic>`, so a topic's consumers are easy to list. */
export function subscriptionName(service: string, topic: string): string {
  return `${service}.${topic}`;
}
