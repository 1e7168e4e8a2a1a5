/**
 * Start-up parameters for the loader's Postgres connections. `temp_buffers` can only be set
 * before a session first touches a temporary table, hence at connect time: at the default 8 MB
 * a 100k-row staging table spills to disk.
 */
export const DATABASE_SESSION_SETTINGS: Record<string, string> = { temp_buffers: "128MB", work_mem: "64MB" };
