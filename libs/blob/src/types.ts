import type { Readable } from "node:stream";

export interface BlobInfo {
  bucket: string;
  name: string;
  /** GCS object generation; the file adapter uses a monotonic stand-in. */
  generation: string;
  sha256: string;
  bytes: number;
  contentType: string;
  createdAt: string;
}

export interface PutOptions {
  contentType: string;
  /** Extra custom metadata (string values only, as in GCS). */
  metadata?: Record<string, string>;
}

/** A Buffer, or a local file that is streamed (exports can be hundreds of MB). */
export type BlobSource = Buffer | { path: string };

export interface BlobStore {
  readonly bucket: string;
  /**
   * Create-only: rejects with BlobExistsError when `name` already exists. Stores the sha256
   * (computed here) and content type as metadata and returns them.
   */
  put(name: string, source: BlobSource, options: PutOptions): Promise<BlobInfo>;
  /** Rejects with BlobNotFoundError when absent. */
  get(name: string): Promise<Readable>;
  stat(name: string): Promise<BlobInfo | undefined>;
  list(prefix: string): Promise<BlobInfo[]>;
  /** A link a person can open: a signed URL, a console URL, or a file:// URL locally. */
  url(name: string): Promise<string>;
}
