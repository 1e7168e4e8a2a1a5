// The main entry: everything in local.ts (the file store and what every store shares) plus
// Google Cloud Storage.
export * from "./local.ts";
export { GcsBlobStore } from "./gcs-blob-store.ts";
export type { GcsBlobStoreOptions } from "./gcs-blob-store.ts";
export { openBlobStore } from "./open-blob-store.ts";
export type { OpenBlobStoreOptions } from "./open-blob-store.ts";
export { ensureBucket } from "./ensure-bucket.ts";
