import { z } from "zod";

/**
 * The stable error vocabulary shown in emails, the API and the CLI. Whether a code is retried
 * is decided here once, never at a call site.
 */
export const ERROR_CODES = {
  PORTAL_AUTH_FAILED: { retryable: false, summary: "The Qashier portal refused the login." },
  PORTAL_UNAVAILABLE: { retryable: true, summary: "The Qashier portal could not be reached or answered with an error." },
  PORTAL_LAYOUT_CHANGED: { retryable: false, summary: "The Qashier portal page no longer has the controls the scraper uses." },
  EXPORT_TIMEOUT: { retryable: true, summary: "The customer export did not finish in time." },
  EXPORT_EMPTY: { retryable: false, summary: "The customer export contained no customers." },
  EXPORT_INCOMPLETE: { retryable: true, summary: "The customer export was cut short or did not match the portal's total." },
  CSV_HEADER_MISMATCH: { retryable: false, summary: "The export's columns differ from the expected header." },
  CSV_MALFORMED: { retryable: false, summary: "The export file could not be parsed as CSV." },
  REJECT_RATIO_EXCEEDED: { retryable: false, summary: "Too many rows in the export were invalid or duplicated." },
  MASS_DELETE_HELD: { retryable: false, summary: "The export would remove more customers than allowed; the run is held for approval." },
  BLOB_UNAVAILABLE: { retryable: true, summary: "The export storage could not be reached." },
  DB_UNAVAILABLE: { retryable: true, summary: "The customer database could not be reached." },
  DB_ERROR: { retryable: false, summary: "The customer database rejected the update." },
  INVALID_MESSAGE: { retryable: false, summary: "A pipeline message was invalid." },
  INTERNAL: { retryable: false, summary: "An unexpected internal error occurred." },
} as const satisfies Record<string, { retryable: boolean; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ErrorCode = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

export function isRetryable(code: ErrorCode): boolean {
  return ERROR_CODES[code].retryable;
}
