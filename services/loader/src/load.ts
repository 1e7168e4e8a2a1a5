// The load alone, for the CLI: no HTTP server, bus or blob store modules (Pub/Sub and GCS
// clients cost a second of start-up and ~100 MB, which a one-shot `crm-sync load` never needs).
export { loadExport } from "./load-export.ts";
export type { LoadDeps, LoadRequest, LoadResult, DiffSampleEntry } from "./load-export.ts";
export { DEFAULT_GUARD_LIMITS } from "./domain/guards.ts";
export type { GuardLimits } from "./domain/guards.ts";
export { DATABASE_SESSION_SETTINGS, LOADER_SESSION_TIMEOUTS } from "./database-settings.ts";
