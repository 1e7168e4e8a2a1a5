/**
 * Errors as log fields: type, code, message, stack and cause, recursively. Some libraries' errors
 * quote the data they failed on: a Postgres server error (postgres.js `PostgresError`, PGlite's
 * pg-protocol `DatabaseError`) in its message, `detail` and `where`, and csv-parse's `CsvError`
 * the field's text. Such an error keeps its code and the names and positions it carries; its text,
 * which the stack's first line repeats, is withheld. Callers should wrap them at the boundary
 * (libs/db toDbError, the loader's parse) anyway: this is the net under a call site that did not.
 */

export const WITHHELD = "[text withheld: it can quote data]";

/** Fields that name schema objects, routines or positions, never values. */
const SERVER_ERROR_FIELDS = ["routine", "schema_name", "table_name", "column_name", "constraint_name", "schema", "table", "column", "constraint"];
const CSV_ERROR_FIELDS = ["lines", "records", "index"];

function isServerError(error: Error): boolean {
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && (error.name === "PostgresError" || typeof severity === "string");
}

function withheldFields(error: Error): readonly string[] | undefined {
  if (error.name === "CsvError") return CSV_ERROR_FIELDS;
  if (isServerError(error)) return SERVER_ERROR_FIELDS;
  return undefined;
}

export function errorFields(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields: Record<string, unknown> = { type: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) fields["code"] = code;
  if (error.stack !== undefined) fields["stack"] = error.stack;
  const kept = withheldFields(error);
  if (kept !== undefined) {
    fields["message"] = WITHHELD;
    for (const key of kept) {
      const value = (error as unknown as Record<string, unknown>)[key];
      if (typeof value === "string" || typeof value === "number") fields[key] = value;
    }
    if (error.stack !== undefined) fields["stack"] = [`${error.name}: ${WITHHELD}`, ...error.stack.split("\n").filter((line) => /^\s+at /.test(line))].join("\n");
  }
  if (error.cause !== undefined && depth < 8) fields["cause"] = errorFields(error.cause, depth + 1);
  return fields;
}
