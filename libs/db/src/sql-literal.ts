import { SyncError } from "@crm-sync/errors";

/**
 * A string as a Postgres literal, escaped as libpq's PQescapeLiteral does: an E'' string with
 * quotes and backslashes doubled, which reads the same whatever standard_conforming_strings is,
 * and never escapes a quote with a backslash, so backslash_quote does not matter either. It
 * relies on the session's client encoding being UTF8, where no multi-byte character contains the
 * byte of `\` or `'`: openDatabase sets and checks that (see sessionParameters).
 *
 * Why not a bind parameter: postgres.js describes every new parameterized statement in its own
 * round trip first and holds the queries behind it until then. The loader sends its statements
 * pipelined, several per round trip, so its few values travel as literals instead.
 */
export function sqlLiteral(value: string): string {
  // Postgres text cannot hold NUL; refused rather than silently cut.
  if (value.includes("\u0000")) throw new SyncError("DB_ERROR", "A SQL literal cannot contain a NUL character.");
  return `E'${value.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}

/** A JSON-serializable value as a jsonb literal. */
export function jsonbLiteral(value: unknown): string {
  return `${sqlLiteral(JSON.stringify(value))}::jsonb`;
}
