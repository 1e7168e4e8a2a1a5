import { BlobExistsError, type BlobInfo, type BlobStore } from "@crm-sync/blob/local";
import { SyncError } from "@crm-sync/errors";

/**
 * Stores the verified export create-only. When the name is already taken (a redelivery that
 * raced the first attempt), the stored object is used if it holds the same bytes.
 */
export async function storeExport(blobs: BlobStore, name: string, path: string, sha256: string, runId: string): Promise<BlobInfo> {
  let info: BlobInfo;
  try {
    info = await blobs.put(name, { path }, { contentType: "text/csv", metadata: { runId, sha256 } });
  } catch (error) {
    if (!(error instanceof BlobExistsError)) throw error;
    const existing = await blobs.stat(name);
    if (existing === undefined) throw new SyncError("BLOB_UNAVAILABLE", "The export storage reported the export as both present and missing.", { cause: error });
    return existing;
  }
  if (info.sha256 !== sha256) {
    throw new SyncError("BLOB_UNAVAILABLE", "The stored export's checksum differs from the downloaded file.");
  }
  return info;
}
