import { SyncError, isSyncError } from "@crm-sync/errors";
import { BlobExistsError, BlobNotFoundError, UnsafeBlobNameError } from "./blob-errors.ts";

/** Failures where the same request can succeed later: the network, or GCS having a bad moment. */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "EHOSTUNREACH", "ENETUNREACH"]);

function httpStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown; status?: unknown } | null)?.code;
  if (typeof code === "number") return code;
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

function networkCode(error: unknown, depth = 0): string | undefined {
  if (error === null || typeof error !== "object" || depth > 4) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
  return networkCode((error as { cause?: unknown }).cause, depth + 1);
}

/**
 * Maps a Cloud Storage client failure: 412 on a create-only write → BlobExistsError, 404 →
 * BlobNotFoundError, network / 408 / 429 / 5xx → BLOB_UNAVAILABLE (retryable); anything else
 * (bad credentials, a missing bucket, a bad request) will not heal by retrying → INTERNAL.
 */
export function toBlobError(error: unknown, bucket: string, name: string): Error {
  if (isSyncError(error) || error instanceof BlobExistsError || error instanceof BlobNotFoundError || error instanceof UnsafeBlobNameError) {
    return error;
  }
  const status = httpStatus(error);
  if (status === 412) return new BlobExistsError(bucket, name, { cause: error });
  if (status === 404) return new BlobNotFoundError(bucket, name, { cause: error });
  const network = networkCode(error);
  if (network !== undefined) {
    return new SyncError("BLOB_UNAVAILABLE", `Cloud Storage could not be reached (${network}).`, { cause: error });
  }
  if (status !== undefined && (status >= 500 || status === 408 || status === 429)) {
    return new SyncError("BLOB_UNAVAILABLE", `Cloud Storage answered HTTP ${status}.`, { cause: error });
  }
  const detail = status === undefined ? "" : ` (HTTP ${status})`;
  return new SyncError("INTERNAL", `Cloud Storage rejected the request${detail}.`, { cause: error });
}
