import postgres, { type Options, type Sql } from "postgres";
import { SyncError } from "@crm-sync/errors";
import type { Logger } from "@crm-sync/logging";
import type { Database } from "./types.ts";
import { parseDatabaseUrl } from "./database-url.ts";
import { startPgliteServer } from "./pglite-server.ts";
import { toDbError } from "./db-errors.ts";
import { traceSql } from "./traced-sql.ts";
import { noDelaySocket } from "./no-delay-socket.ts";
import { sessionParameters, setLocalTimeouts, type SessionTimeouts } from "./session-settings.ts";

export interface OpenDatabaseOptions {
  /** Pool size for a Postgres server (default 10). PGlite always uses one connection. */
  max?: number;
  /** Start-up parameters for every connection, e.g. `{ work_mem: "64MB" }`. */
  connection?: Record<string, string>;
  logger?: Logger;
  /**
   * Timeouts of every Postgres session (start-up parameters; behind a transaction pooler also
   * `Database.transactionSettings`). PGlite takes none: it is one session inside this process, so
   * no other session waits on its locks, and its single-threaded build has no timer to fire them.
   */
  timeouts?: SessionTimeouts;
  /** Seconds to wait for a connection before failing with DB_UNAVAILABLE (default 10). */
  connectTimeoutSeconds?: number;
  /**
   * Prove a Postgres server reachable before returning (default true). A one-shot process whose
   * first statement follows at once skips it: that statement fails with the same classified
   * error, and the proof would cost a round trip.
   */
  verify?: boolean;
}

/**
 * Opens `postgres://…` or `pglite://…` and proves the connection with one round trip, so an
 * unreachable database fails here (DB_UNAVAILABLE) rather than in the first real query.
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(url, process.cwd());
  if (target.kind === "postgres") {
    const sql = postgres(target.url, {
      ...clientOptions(options),
      // Ours last: a caller's settings cannot undo the encoding or the timeouts.
      connection: { ...options.connection, ...sessionParameters(options.timeouts) },
      max: options.max ?? 10,
      // A transaction pooler hands each transaction to any server connection, where a
      // statement prepared on another one does not exist.
      ...(target.transactionPooler ? { prepare: false } : {}),
    });
    if (options.verify ?? true) await verify(sql);
    return {
      kind: "postgres",
      sql: traceSql(sql),
      supportsCopy: true,
      connectionUrl: target.url,
      transactionSettings: target.transactionPooler ? setLocalTimeouts(options.timeouts) : "",
      close: () => sql.end({ timeout: 5 }),
    };
  }

  let server;
  try {
    server = await startPgliteServer(target.dataDir);
  } catch (error) {
    throw toDbError(error);
  }
  const sql = postgres(server.url, { ...clientOptions(options), max: 1 });
  try {
    await verify(sql);
    await applySettings(sql, options.connection);
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => {});
    await server.stop();
    throw toDbError(error);
  }
  const stopServer = server.stop;
  options.logger?.debug({ database: "pglite", persistent: target.dataDir !== undefined }, "opened embedded database");
  return {
    kind: "pglite",
    sql: traceSql(sql),
    // PGlite's socket server does not carry the COPY sub-protocol.
    supportsCopy: false,
    connectionUrl: server.url,
    transactionSettings: "",
    async close() {
      await sql.end({ timeout: 5 });
      await stopServer();
    },
  };
}

function clientOptions(options: OpenDatabaseOptions): Options<{}> {
  const client: Options<{}> & { socket: typeof noDelaySocket } = {
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    onnotice: () => {},
    socket: noDelaySocket,
    ...(options.connection === undefined ? {} : { connection: options.connection }),
  };
  return client;
}

/**
 * PGlite ignores start-up parameters; it is one session for the life of the process, so
 * setting them once on it has the same effect.
 */
async function applySettings(sql: Sql, settings: Record<string, string> | undefined): Promise<void> {
  for (const [name, value] of Object.entries(settings ?? {})) {
    await sql`select set_config(${name}, ${value}, false)`;
  }
}

/**
 * One round trip proves the server reachable and that the session speaks UTF8 both ways:
 * sqlLiteral and the COPY stream rely on it (see sessionParameters). The server's encoding is
 * the database's, which no connection setting changes, so a database created otherwise is refused.
 */
async function verify(sql: Sql): Promise<void> {
  let encodings: { server: string; client: string } | undefined;
  try {
    [encodings] = await sql<{ server: string; client: string }[]>`
      select current_setting('server_encoding') as server, current_setting('client_encoding') as client`;
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw toDbError(error);
  }
  if (encodings?.server !== "UTF8" || encodings.client !== "UTF8") {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw new SyncError(
      "DB_ERROR",
      `The database session must use UTF8, but its server encoding is ${encodings?.server ?? "unknown"} and its client encoding ${encodings?.client ?? "unknown"}.`,
    );
  }
}
