import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { fileURLToPath } from "node:url";
import { Storage } from "@google-cloud/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSyncError } from "@crm-sync/errors";
import { startGcsTestServer, type GcsTestServer } from "@crm-sync/testing";
import { FileBlobStore, GcsBlobStore } from "../src/index.ts";
import { blobStoreContract } from "./blob-store-contract.ts";

let bucketSeq = 0;

blobStoreContract("FileBlobStore", async () => {
  const root = await mkdtemp(join(tmpdir(), "crm-sync-blob-"));
  return { store: new FileBlobStore({ root, bucket: "crm-exports" }), cleanup: () => rm(root, { recursive: true, force: true }) };
});

describe("FileBlobStore", () => {
  it("links to the real file", async () => {
    const root = await mkdtemp(join(tmpdir(), "crm-sync-blob-"));
    try {
      const store = new FileBlobStore({ root, bucket: "crm-exports" });
      await store.put("exports/run.csv", Buffer.from("content"), { contentType: "text/csv" });
      expect(await readFile(fileURLToPath(await store.url("exports/run.csv")), "utf8")).toBe("content");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

/**
 * A real client against the test server. Retries wait 1 s (the shortest the resumable upload
 * allows) and are few, so the failure tests stay quick.
 */
function storageFor(server: GcsTestServer, maxRetries = 2): Storage {
  return new Storage({
    apiEndpoint: server.url,
    projectId: "crm-sync-test",
    retryOptions: { maxRetries, maxRetryDelay: 1, retryDelayMultiplier: 1, totalTimeout: 30 },
  });
}

let server: GcsTestServer;
beforeAll(async () => {
  server = await startGcsTestServer();
});
afterAll(async () => {
  await server?.stop();
});

blobStoreContract("GcsBlobStore", async () => {
  const storage = storageFor(server);
  const bucket = `crm-exports-${++bucketSeq}`;
  await storage.createBucket(bucket);
  return { store: new GcsBlobStore({ bucket, storage }), cleanup: async () => {} };
});

describe("GcsBlobStore against a failing service", () => {
  it("rides out a single 503 through the client's retry on file uploads and reads", async () => {
    const storage = storageFor(server);
    const bucket = `crm-exports-${++bucketSeq}`;
    await storage.createBucket(bucket);
    const store = new GcsBlobStore({ bucket, storage });
    const scratch = await mkdtemp(join(tmpdir(), "crm-sync-blob-source-"));
    try {
      await writeFile(join(scratch, "export.csv"), "ok");
      server.failNext(1);
      const info = await store.put("exports/retried.csv", { path: join(scratch, "export.csv") }, { contentType: "text/csv" });
      expect(info.bytes).toBe(2);
      server.failNext(1);
      expect(await store.stat("exports/retried.csv")).toEqual(info);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });

  it("fails a download answered 503 with BLOB_UNAVAILABLE, retryable, and the next read gets the whole file", async () => {
    // The client's own retry of a download pipes into a stream it destroyed and kills the process
    // with an uncaught ERR_STREAM_UNABLE_TO_PIPE (vitest fails the run on such an error); the store
    // reads without it, so the 503 is this read's error and the caller's retry gets the file.
    const storage = storageFor(server);
    const bucket = `crm-exports-${++bucketSeq}`;
    await storage.createBucket(bucket);
    const store = new GcsBlobStore({ bucket, storage });
    const content = "customer line\n".repeat(5_000);
    await store.put("exports/read.csv", Buffer.from(content), { contentType: "text/csv" });
    server.failNext(1, { only: { query: { alt: "media" } } });
    const error: unknown = await store.get("exports/read.csv").then(text).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    const downloads = server.answered.filter((answer) => answer.query["alt"] === "media" && answer.path.includes(`/b/${bucket}/`));
    expect(downloads.map((answer) => answer.status)).toEqual([503]);
    expect(isSyncError(error) && error.code).toBe("BLOB_UNAVAILABLE");
    expect(isSyncError(error) && error.retryable).toBe(true);
    expect(await text(await store.get("exports/read.csv"))).toBe(content);
  });

  it("reports BLOB_UNAVAILABLE, retryable, when the service keeps answering 503", async () => {
    const storage = storageFor(server, 1);
    const bucket = `crm-exports-${++bucketSeq}`;
    await storage.createBucket(bucket);
    const store = new GcsBlobStore({ bucket, storage });
    await store.put("exports/there.csv", Buffer.from("ok"), { contentType: "text/csv" });
    for (const attempt of [() => store.stat("exports/there.csv"), () => store.list("exports/"), () => store.put("exports/new.csv", Buffer.from("x"), { contentType: "text/csv" })]) {
      server.failNext(10);
      const error: unknown = await attempt().then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
      server.failNext(0);
      expect(isSyncError(error) && error.code).toBe("BLOB_UNAVAILABLE");
      expect(isSyncError(error) && error.retryable).toBe(true);
    }
  });

  it("reports BLOB_UNAVAILABLE when nothing listens", async () => {
    const stopped = await startGcsTestServer();
    await stopped.stop();
    const store = new GcsBlobStore({ bucket: "crm-exports", storage: storageFor(stopped, 0) });
    const error: unknown = await store.stat("exports/run.csv").then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(isSyncError(error) && error.code).toBe("BLOB_UNAVAILABLE");
  });

  it("links to the object in the Cloud Console", async () => {
    const store = new GcsBlobStore({ bucket: "crm-exports", storage: storageFor(server) });
    expect(await store.url("exports/2026/run 1.csv")).toBe(
      "https://console.cloud.google.com/storage/browser/_details/crm-exports/exports/2026/run%201.csv",
    );
  });
});
