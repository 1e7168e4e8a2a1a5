import { isAbsolute, resolve } from "node:path";
import { SyncError } from "@crm-sync/errors";
import { OWNED_SETTINGS } from "./session-settings.ts";

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
    refuseOwnedSettings(parsed.searchParams);
    return { kind: "postgres", url: parsed.toString(), transactionPooler };
  }
  throw new SyncError("DB_ERROR", "The database URL must start with postgres://, postgresql:// or pglite://.");
}

/**
 * postgres.js sends a URL's query parameters to the server as start-up parameters, after (so over)
 * its own options, and `options=-c name=value` sets any setting too. The settings every session
 * relies on (UTF8 above all, see sessionParameters) are crm-sync's, so a URL naming one is refused
 * rather than obeyed or silently changed.
 */
function refuseOwnedSettings(params: URLSearchParams): void {
  // In `-c name=value` Postgres reads dashes in a name as underscores, and names case-insensitively.
  const options = (params.get("options") ?? "").toLowerCase().replaceAll("-", "_");
  for (const name of OWNED_SETTINGS) {
    if (params.has(name) || options.includes(name)) {
      throw new SyncError("DB_ERROR", `The database URL sets ${name}, which crm-sync sets itself on every connection; remove it from the URL.`);
    }
  }
}
