import { UnsafeBlobNameError } from "./blob-errors.ts";

/** GCS's own limit on object names, in UTF-8 bytes. */
const MAX_NAME_BYTES = 1024;

/**
 * Names arrive in messages (e.g. `replay <gcs-object>`), so they are checked before they become
 * a path or a URL: no `..`, no leading `/`, no backslash, no empty or `.` segment, no control
 * characters. The same rules on every store keep a name valid everywhere or nowhere.
 */
export function assertSafeBlobName(name: string): void {
  assertSafePrefix(name);
  if (name === "") throw new UnsafeBlobNameError("empty");
  if (name.endsWith("/")) throw new UnsafeBlobNameError("ends with /");
}

/** A list prefix follows the same rules, but may be empty or end with `/`. */
export function assertSafePrefix(prefix: string): void {
  if (Buffer.byteLength(prefix, "utf8") > MAX_NAME_BYTES) throw new UnsafeBlobNameError("longer than 1024 bytes");
  if (prefix.includes("..")) throw new UnsafeBlobNameError("contains ..");
  if (prefix.startsWith("/")) throw new UnsafeBlobNameError("starts with /");
  if (prefix.includes("\\")) throw new UnsafeBlobNameError("contains a backslash");
  if (/[\u0000-\u001f\u007f]/.test(prefix)) throw new UnsafeBlobNameError("contains a control character");
  const segments = prefix.split("/");
  // The last segment of a prefix may be partial or empty ("exports/"); the others are folders.
  if (segments.slice(0, -1).some((segment) => segment === "" || segment === ".")) {
    throw new UnsafeBlobNameError("has an empty or . segment");
  }
  if (segments.at(-1) === ".") throw new UnsafeBlobNameError("has a . segment");
}

/** GCS bucket naming rules; the file store also uses the bucket as a folder name. */
export function assertSafeBucketName(bucket: string): void {
  if (!/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes("..")) {
    throw new UnsafeBlobNameError(`bucket name is not a valid GCS bucket name`);
  }
}

/** Customer exports live here; failure evidence (`artifacts/…`) never does and is never loaded. */
export const EXPORTS_PREFIX = "exports/";

/** The scraper's failure evidence (screenshots, page HTML, traces); kept for less time than exports. */
export const EVIDENCE_PREFIX = "artifacts/";

/** A name a message may ask to load or replay: safe, under the exports prefix, a CSV file. */
export function isExportObjectName(name: string): boolean {
  try {
    assertSafeBlobName(name);
  } catch {
    return false;
  }
  // Our names never hold a `%`: one in a message is an encoded path trick, not an export.
  return name.startsWith(EXPORTS_PREFIX) && name.endsWith(".csv") && !name.includes("%");
}
