import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { Storage } from "@google-cloud/storage";
import { FileBlobStore } from "./file-blob-store.ts";
import { GcsBlobStore } from "./gcs-blob-store.ts";
import type { BlobStore } from "./types.ts";

/**
 * `file:///dir` → a folder (embedded and local modes; the folder name stands in for the
 * bucket), `gs://bucket` → Cloud Storage, or the GCS test server when an endpoint is given.
 */
export interface OpenBlobStoreOptions {
  apiEndpoint?: string | undefined;
  projectId: string;
}

export function openBlobStore(blobUrl: string, options: OpenBlobStoreOptions): BlobStore {
  const url = new URL(blobUrl);
  if (url.protocol === "file:") {
    const root = fileURLToPath(url);
    return new FileBlobStore({ root, bucket: basename(root) || "local" });
  }
  const storage = new Storage({ projectId: options.projectId, ...(options.apiEndpoint === undefined ? {} : { apiEndpoint: options.apiEndpoint }) });
  return new GcsBlobStore({ bucket: url.hostname, storage });
}
