/** Why a sync request did not go out. One table decides what is worth trying again. */
export type SyncRequestErrorCode =
  | "NOT_CONFIGURED"
  | "OIDC_TOKEN_MISSING"
  | "CREDENTIALS_REFUSED"
  | "PUBLISH_FAILED"
  | "TRIGGER_REFUSED"
  | "TRIGGER_UNAVAILABLE";

const RETRYABLE: ReadonlySet<SyncRequestErrorCode> = new Set(["PUBLISH_FAILED", "TRIGGER_UNAVAILABLE"]);

/** A sync request that failed. The message names variables and codes, never a key or token. */
export class SyncRequestError extends Error {
  readonly code: SyncRequestErrorCode;
  readonly retryable: boolean;
  constructor(code: SyncRequestErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SyncRequestError";
    this.code = code;
    this.retryable = RETRYABLE.has(code);
  }
}
