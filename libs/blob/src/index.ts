export { FileBlobStore } from "./file-blob-store.ts";
export type { FileBlobStoreOptions } from "./file-blob-store.ts";
export { GcsBlobStore } from "./gcs-blob-store.ts";
export type { GcsBlobStoreOptions } from "./gcs-blob-store.ts";
export { BlobExistsError, BlobNotFoundError, UnsafeBlobNameError } from "./blob-errors.ts";
export { assertSafeBlobName, assertSafePrefix, EXPORTS_PREFIX, isExportObjectName } from "./blob-name.ts";
export type { BlobInfo, BlobSource, BlobStore, PutOptions } from "./types.ts";
export { openBlobStore } from "./open-blob-store.ts";
export type { OpenBlobStoreOptions } from "./open-blob-store.ts";
