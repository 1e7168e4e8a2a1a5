import { SyncError, isSyncError } from "@crm-sync/errors";

/** Socket-level and postgres.js connection failures: the server may answer on a later attempt. */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);

/**
 * SQLSTATEs that mean "try again", not "this statement is wrong": connection exceptions (08…),
 * server shutting down or starting (57P01–57P03), too many connections (53300), and
 * serialization failure / deadlock (40001, 40P01), which succeed when the transaction reruns.
 */
/**
 * Worth retrying: connection loss, shutdown, too many connections, serialization failures and
 * deadlocks, and the session timeouts every connection carries (57014 statement timeout or cancel,
 * 55P03 lock timeout, 25P03 idle-in-transaction timeout): those end a load that waited on a busy
 * database, not one whose data is wrong, and the next delivery can succeed.
 */
function isTransientSqlState(code: string): boolean {
  return code.startsWith("08") || ["57P01", "57P02", "57P03", "53300", "40001", "40P01", "57014", "55P03", "25P03"].includes(code);
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * A server error, as postgres.js (`PostgresError`, snake_case fields) or pg-protocol and PGlite
 * (`DatabaseError`, camelCase fields) shape it: both carry the SQLSTATE in `code` and a
 * `severity`. Other errors with a `code` are the client's or the socket's.
 */
interface ServerErrorFields {
  code: string;
  severity?: unknown;
  routine?: unknown;
  schema_name?: unknown;
  table_name?: unknown;
  column_name?: unknown;
  constraint_name?: unknown;
  data_type_name?: unknown;
  schema?: unknown;
  table?: unknown;
  column?: unknown;
  constraint?: unknown;
  dataType?: unknown;
}

function isServerError(error: unknown): error is Error & ServerErrorFields {
  if (!(error instanceof Error)) return false;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  if (typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code)) return false;
  return error.name === "PostgresError" || typeof severity === "string";
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * A server error reduced to what names no data: the SQLSTATE, the schema objects involved and
 * the server routine that raised it. The server's `message` can quote a value (`invalid input
 * syntax for type date: "…"`), and `detail`, `where` and `hint` quote keys and rows (`Key
 * (contact_number)=(08…) already exists`), so none of them, nor the raw error, is kept.
 */
export class DatabaseFailure extends Error {
  /** SQLSTATE. */
  readonly code: string;
  readonly routine: string | undefined;
  readonly schema: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly constraint: string | undefined;
  readonly dataType: string | undefined;

  constructor(error: Error & ServerErrorFields) {
    const fields = {
      routine: text(error.routine),
      schema: text(error.schema_name) ?? text(error.schema),
      table: text(error.table_name) ?? text(error.table),
      column: text(error.column_name) ?? text(error.column),
      constraint: text(error.constraint_name) ?? text(error.constraint),
      dataType: text(error.data_type_name) ?? text(error.dataType),
    };
    const named = Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key} ${value}`);
    super(`SQLSTATE ${error.code}${named.length === 0 ? "" : ` (${named.join(", ")})`}`);
    this.name = "DatabaseFailure";
    this.code = error.code;
    this.routine = fields.routine;
    this.schema = fields.schema;
    this.table = fields.table;
    this.column = fields.column;
    this.constraint = fields.constraint;
    this.dataType = fields.dataType;
    // The original's call sites (postgres.js appends the query's origin), not its first line,
    // which is the server's message.
    const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
    this.stack = [`${this.name}: ${this.message}`, ...frames].join("\n");
  }
}

/**
 * Classifies a database failure. Neither the message nor the cause carries the server's text:
 * the cause is a DatabaseFailure (SQLSTATE, constraint, table, column, routine), since the
 * logger writes causes and the server's text can quote customer data.
 */
export function toDbError(error: unknown): SyncError {
  if (isSyncError(error)) return error;
  const code = errorCode(error);
  if (isServerError(error)) {
    const cause = new DatabaseFailure(error);
    return isTransientSqlState(error.code)
      ? new SyncError("DB_UNAVAILABLE", `The database is temporarily unavailable (SQLSTATE ${error.code}).`, { cause })
      : new SyncError("DB_ERROR", `The database rejected a statement (SQLSTATE ${error.code}).`, { cause });
  }
  // Node reports a refused dual-stack connect as an AggregateError whose members carry the code.
  const nested = error instanceof AggregateError ? error.errors.map(errorCode) : [];
  const unreachable = [code, ...nested].find((candidate) => candidate !== undefined && UNREACHABLE_CODES.has(candidate));
  if (unreachable !== undefined) {
    return new SyncError("DB_UNAVAILABLE", `The database could not be reached (${unreachable}).`, { cause: error });
  }
  return new SyncError("DB_ERROR", "The database call failed.", { cause: error });
}
