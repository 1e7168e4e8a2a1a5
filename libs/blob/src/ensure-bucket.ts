import { Storage } from "@google-cloud/storage";

/** Creates the exports bucket on a GCS-compatible test server (fake-gcs-server, the in-repo one); an existing one is fine. */
export async function ensureBucket(options: { apiEndpoint: string; projectId: string; bucket: string }): Promise<"created" | "existed"> {
  const storage = new Storage({ apiEndpoint: options.apiEndpoint, projectId: options.projectId });
  try {
    await storage.createBucket(options.bucket);
    return "created";
  } catch (error) {
    if ((error as { code?: unknown }).code === 409) return "existed";
    throw error;
  }
}
