import { z } from "zod";

/**
 * The trigger API's response bodies. The trigger builds them with these types and the client
 * parses with these schemas, so both ends read the same contract.
 */
export const RunPhase = z.enum(["queued", "scraping", "loading", "done", "failed"]);
export type RunPhase = z.infer<typeof RunPhase>;

/** A run's counts as the API and the status view give them. */
export const RunCounts = z.object({
  rows: z.number(),
  inserted: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  softDeleted: z.number(),
  revived: z.number(),
  rejected: z.number(),
});

export const RunView = z.object({
  runId: z.string(),
  trigger: z.string(),
  requestedBy: z.string().nullable(),
  status: z.enum(["queued", "running", "succeeded", "failed"]),
  stage: z.string(),
  /** What staff see: queued → scraping → loading → done, or failed. */
  phase: RunPhase,
  message: z.string().nullable(),
  requestedAt: z.string(),
  startedAt: z.string().nullable(),
  stageChangedAt: z.string(),
  /** When the run first reached each stage it reported (absent from older triggers). */
  stageTimes: z.record(z.string(), z.string()).optional(),
  finishedAt: z.string().nullable(),
  counts: RunCounts.nullable(),
  durationMs: z.number().nullable(),
  error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean(), summary: z.string() }).nullable(),
  destinationUntouched: z.boolean().nullable(),
  artifacts: z.array(z.object({ kind: z.string(), name: z.string(), url: z.string() })),
  sourceObject: z.object({ bucket: z.string(), name: z.string(), generation: z.string(), sha256: z.string(), bytes: z.number() }).nullable(),
  attempt: z.number(),
  approvedAt: z.string().nullable(),
  /** Who approved or discarded a held run (a token's name or a service account's email). */
  approvedBy: z.string().nullable().optional(),
  discardedAt: z.string().nullable().optional(),
  discardedBy: z.string().nullable().optional(),
  traceId: z.string().nullable(),
  /** Set on a request that joined an active run: that run's id (the record mirrors it). */
  servedBy: z.string().nullable().optional(),
});
export type RunView = z.infer<typeof RunView>;

/** `run` is the run doing the work; `requestId` the request's own record (the run's id when it opened it). */
export const StartResponse = z.object({ run: RunView, coalesced: z.boolean(), requestId: z.string().optional() });
export type StartResponse = z.infer<typeof StartResponse>;

export const RunList = z.object({ runs: z.array(RunView) });
export type RunList = z.infer<typeof RunList>;

export const FreshnessView = z.object({
  lastSuccessAt: z.string().nullable(),
  ageSeconds: z.number().nullable(),
  customerCount: z.number(),
  stale: z.boolean(),
  staleAfterSeconds: z.number(),
});
export type FreshnessView = z.infer<typeof FreshnessView>;

export const ApiErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** The run records who asked from the caller's credentials (a token's name, a service account's email), not from the body. */
export const SyncRequestBody = z.strictObject({
  trigger: z.enum(["manual", "api"]).optional(),
});
export type SyncRequestBody = z.infer<typeof SyncRequestBody>;

export function isFinishedView(run: RunView): boolean {
  return run.status === "succeeded" || run.status === "failed";
}
