import { describe, expect, it } from "vitest";
import { FileBlobStore } from "./file-blob-store.ts";
import { GcsBlobStore } from "./gcs-blob-store.ts";
import { openBlobStore } from "./open-blob-store.ts";

describe("openBlobStore", () => {
  it("opens a folder for file:// URLs, named after the folder", () => {
    const store = openBlobStore("file:///var/tmp/crm-exports", { projectId: "crm-sync-local" });
    expect(store).toBeInstanceOf(FileBlobStore);
    expect(store.bucket).toBe("crm-exports");
  });

  it("opens Cloud Storage (or the endpoint given) for gs:// URLs", () => {
    const store = openBlobStore("gs://crm-sync-exports", { projectId: "crm-sync-local", apiEndpoint: "http://127.0.0.1:4443" });
    expect(store).toBeInstanceOf(GcsBlobStore);
    expect(store.bucket).toBe("crm-sync-exports");
  });
});
