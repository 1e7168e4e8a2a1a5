// Everything but Google Cloud Storage: the file store and what every store shares (names,
// errors, types). `crm-sync start` keeps exports as files; importing the package's main entry
// would also load the Storage client (about 11 MB of memory that embedded mode never uses).
export { FileBlobStore } from "./file-blob-store.ts";
export type { FileBlobStoreOptions } from "./file-blob-store.ts";
export { BlobExistsError, BlobNotFoundError, UnsafeBlobNameError } from "./blob-errors.ts";
export { assertSafeBlobName, assertSafePrefix, EVIDENCE_PREFIX, EXPORTS_PREFIX, isExportObjectName } from "./blob-name.ts";
export type { BlobInfo, BlobSource, BlobStore, PutOptions } from "./types.ts";
export { readWithStallTimeout } from "./read-stall.ts";
