import type { Sql } from "postgres";

/**
 * One query interface for both backends: postgres.js. PGlite is served over its socket server
 * (pglite-socket) and reached with postgres.js, so the same SQL and code run on both.
 * Known difference: COPY does not work over PGlite's socket; `supportsCopy` says which.
 */
export interface Database {
  readonly kind: "postgres" | "pglite";
  readonly sql: Sql;
  readonly supportsCopy: boolean;
  /** A URL for another process to connect to the same database (PGlite: its socket). */
  readonly connectionUrl: string;
  /**
   * `set local` statements for the start of a transaction that must carry the session timeouts:
   * behind a transaction pooler the start-up parameters never reach the server session. Empty
   * elsewhere (the session already has them).
   */
  readonly transactionSettings: string;
  close(): Promise<void>;
}
