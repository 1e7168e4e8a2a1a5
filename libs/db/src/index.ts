export { openDatabase } from "./open-database.ts";
export type { OpenDatabaseOptions } from "./open-database.ts";
export { migrate } from "./migrate.ts";
export type { MigrateOptions } from "./migrate.ts";
export { toDbError } from "./db-errors.ts";
export { parseDatabaseUrl } from "./database-url.ts";
export type { DatabaseTarget } from "./database-url.ts";
export { DEFAULT_MIGRATIONS_DIR } from "./migration-files.ts";
export type { Database } from "./types.ts";
