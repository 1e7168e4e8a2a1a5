import { parseDatabaseUrl } from "@crm-sync/db";

export interface ConnectionMode {
  database: "postgres" | "pglite";
  /** Port 6543 or `?pgbouncer=true`: Supabase's transaction pooler (Supavisor/PgBouncer in transaction mode). */
  transactionPooler: boolean;
  /** crm-sync turns prepared statements off behind a transaction pooler, where the next transaction may land on another server connection. */
  preparedStatements: boolean;
  port: string | null;
  note: string;
}

/** How crm-sync will talk to this URL. The URL itself (it may hold a password) is never repeated. */
export function connectionMode(url: string): ConnectionMode {
  const target = parseDatabaseUrl(url, process.cwd());
  if (target.kind === "pglite") {
    return { database: "pglite", transactionPooler: false, preparedStatements: true, port: null, note: "embedded PGlite: one connection, no pooler" };
  }
  const parsed = new URL(target.url);
  const port = parsed.port === "" ? "5432" : parsed.port;
  const supabasePooler = parsed.hostname.endsWith(".pooler.supabase.com");
  const note = target.transactionPooler
    ? "transaction pooler: prepared statements off, locks are per transaction (what crm-sync uses)"
    : supabasePooler
      ? "Supabase session pooler (port 5432): prepared statements on; each connection holds a server session"
      : "direct connection: prepared statements on";
  return { database: "postgres", transactionPooler: target.transactionPooler, preparedStatements: !target.transactionPooler, port, note };
}
