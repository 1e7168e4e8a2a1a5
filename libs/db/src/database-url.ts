import { isAbsolute, resolve } from "node:path";
import { SyncError } from "@crm-sync/errors";

export type DatabaseTarget =
  | { kind: "postgres"; url: string; transactionPooler: boolean }
  | { kind: "pglite"; dataDir: string | undefined };

/** The Supabase transaction pooler (Supavisor/PgBouncer in transaction mode) listens here. */
const TRANSACTION_POOLER_PORT = "6543";

/**
 * `postgres://…` / `postgresql://…` go to a server; `pglite://memory`, `pglite:///abs/dir` and
 * `pglite://relative/dir` to an embedded PGlite. The URL is never echoed in errors: it may hold
 * a password.
 */
export function parseDatabaseUrl(url: string, cwd: string): DatabaseTarget {
  if (url.startsWith("pglite://")) {
    const location = url.slice("pglite://".length);
    if (location === "") throw new SyncError("DB_ERROR", "A pglite:// database URL needs `memory` or a directory.");
    if (location === "memory") return { kind: "pglite", dataDir: undefined };
    return { kind: "pglite", dataDir: isAbsolute(location) ? location : resolve(cwd, location) };
  }
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      // No cause: URL's own error quotes the input, password included.
      throw new SyncError("DB_ERROR", "The database URL is not a valid URL.");
    }
    const transactionPooler = parsed.port === TRANSACTION_POOLER_PORT || parsed.searchParams.get("pgbouncer") === "true";
    // postgres.js forwards unknown query parameters to the server as start-up parameters, and a
    // real Postgres rejects `pgbouncer` as an unknown setting: it is our hint, not the server's.
    parsed.searchParams.delete("pgbouncer");
    return { kind: "postgres", url: parsed.toString(), transactionPooler };
  }
  throw new SyncError("DB_ERROR", "The database URL must start with postgres://, postgresql:// or pglite://.");
}
