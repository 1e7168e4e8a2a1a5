import postgres, { type Options, type Sql } from "postgres";
import type { Logger } from "@crm-sync/logging";
import type { Database } from "./types.ts";
import { parseDatabaseUrl } from "./database-url.ts";
import { startPgliteServer } from "./pglite-server.ts";
import { toDbError } from "./db-errors.ts";
import { noDelaySocket } from "./no-delay-socket.ts";

export interface OpenDatabaseOptions {
  /** Pool size for a Postgres server (default 10). PGlite always uses one connection. */
  max?: number;
  /** Start-up parameters for every connection, e.g. `{ work_mem: "64MB" }`. */
  connection?: Record<string, string>;
  logger?: Logger;
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
      max: options.max ?? 10,
      // A transaction pooler hands each transaction to any server connection, where a
      // statement prepared on another one does not exist.
      ...(target.transactionPooler ? { prepare: false } : {}),
    });
    if (options.verify ?? true) await verify(sql);
    return { kind: "postgres", sql, supportsCopy: true, connectionUrl: target.url, close: () => sql.end({ timeout: 5 }) };
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
    sql,
    // PGlite's socket server does not carry the COPY sub-protocol.
    supportsCopy: false,
    connectionUrl: server.url,
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

async function verify(sql: Sql): Promise<void> {
  try {
    await sql`select 1`;
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw toDbError(error);
  }
}
