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
function isTransientSqlState(code: string): boolean {
  return code.startsWith("08") || ["57P01", "57P02", "57P03", "53300", "40001", "40P01"].includes(code);
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function isPostgresError(error: unknown): boolean {
  return error instanceof Error && error.name === "PostgresError";
}

/**
 * Classifies a database failure. Messages name only the code: server messages and details can
 * quote row values (customer data), so they stay in `cause`, which only the redacting logger sees.
 */
export function toDbError(error: unknown): SyncError {
  if (isSyncError(error)) return error;
  const code = errorCode(error);
  if (isPostgresError(error) && code !== undefined) {
    return isTransientSqlState(code)
      ? new SyncError("DB_UNAVAILABLE", `The database is temporarily unavailable (SQLSTATE ${code}).`, { cause: error })
      : new SyncError("DB_ERROR", `The database rejected a statement (SQLSTATE ${code}).`, { cause: error });
  }
  // Node reports a refused dual-stack connect as an AggregateError whose members carry the code.
  const nested = error instanceof AggregateError ? error.errors.map(errorCode) : [];
  const unreachable = [code, ...nested].find((candidate) => candidate !== undefined && UNREACHABLE_CODES.has(candidate));
  if (unreachable !== undefined) {
    return new SyncError("DB_UNAVAILABLE", `The database could not be reached (${unreachable}).`, { cause: error });
  }
  return new SyncError("DB_ERROR", "The database call failed.", { cause: error });
}
