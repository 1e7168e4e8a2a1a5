// The error codes alone: the whole contracts module builds every event schema at import, which
// one-shot processes (`crm-sync load`) would pay for at start-up.
import { ERROR_CODES, type ErrorCode } from "@crm-sync/contracts/error-codes";

/**
 * The one error type that crosses stage boundaries. `message` must be safe to show to staff
 * and to log: it never contains customer data or secrets (put those nowhere; put the raw
 * failure in `cause`, which is logged through the redacting logger only).
 */
export class SyncError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SyncError";
    this.code = code;
    this.retryable = ERROR_CODES[code].retryable;
  }
}

export function isSyncError(error: unknown): error is SyncError {
  return error instanceof SyncError;
}

/** Anything thrown becomes a SyncError; unknown failures are INTERNAL with a generic message. */
export function toSyncError(error: unknown, fallback: ErrorCode = "INTERNAL"): SyncError {
  if (error instanceof SyncError) return error;
  return new SyncError(fallback, ERROR_CODES[fallback].summary, { cause: error });
}
