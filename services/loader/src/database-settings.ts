import { databaseTimeoutsEnv, sessionTimeoutsOf, type DatabaseTimeoutDefaults } from "@crm-sync/config";

/**
 * Start-up parameters for the loader's Postgres connections. `temp_buffers` can only be set
 * before a session first touches a temporary table, hence at connect time: at the default 8 MB
 * a 100k-row staging table spills to disk.
 */
export const DATABASE_SESSION_SETTINGS: Record<string, string> = { temp_buffers: "128MB", work_mem: "64MB" };

/**
 * The loader's session timeouts. Its longest statement is a write where every customer changed:
 * loading a million-row export with all of them changed, on the bench host (sharing its two cores
 * with other work), the update took 143 s, the change-log insert 57 s and the COPY 15 s (the
 * whole load 223 s; 65 s on a quiet host); a first load's insert of a million rows took 60 s.
 * Ten minutes leaves room for a slower database and matches Pub/Sub's 600 s push deadline, after
 * which the load is redelivered anyway. Between statements a load waits only for its progress
 * messages to publish. The queue on the loader's own advisory lock is exempt from the lock
 * timeout (see load-export.ts).
 */
export const LOADER_DATABASE_TIMEOUTS: DatabaseTimeoutDefaults = { statement: "10m", lock: "30s", idleInTransaction: "2m" };

/** The same in milliseconds, for one-shot loads (the CLI, the bench) that read no service environment. */
export const LOADER_SESSION_TIMEOUTS = sessionTimeoutsOf(databaseTimeoutsEnv(LOADER_DATABASE_TIMEOUTS).parse({}));
