import { z } from "zod";

/** Where exports are stored; the scraper writes and the loader reads the same place. */
export const BlobEnv = z.object({
  /** `file:///absolute/dir` (local) or `gs://bucket`. */
  BLOB_URL: z.string().regex(/^(file:\/\/\/.+|gs:\/\/[a-z0-9][a-z0-9._-]{1,220})$/, "must be file:///dir or gs://bucket"),
  /** A GCS-compatible endpoint (the local test server or fake-gcs-server); unset in the cloud. */
  GCS_API_ENDPOINT: z.url().optional(),
});
export type BlobEnv = z.infer<typeof BlobEnv>;
