import { randomBytes } from "node:crypto";
import { IdempotencyStrategy, Storage } from "@google-cloud/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGcsTestServer, type GcsTestServer } from "@crm-sync/testing";

/** The test server is only useful if the real client sees real GCS behaviour; these pin it. */
describe("GCS test server with the real @google-cloud/storage client", () => {
  let server: GcsTestServer;
  let storage: Storage;
  beforeAll(async () => {
    server = await startGcsTestServer();
    storage = new Storage({ apiEndpoint: server.url, projectId: "crm-sync-test", retryOptions: { maxRetries: 0 } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("creates and finds buckets, refusing a duplicate", async () => {
    await storage.createBucket("server-buckets");
    expect((await storage.bucket("server-buckets").exists())[0]).toBe(true);
    expect((await storage.bucket("server-missing").exists())[0]).toBe(false);
    await expect(storage.createBucket("server-buckets")).rejects.toMatchObject({ code: 409 });
  });

  it("accepts a chunked resumable upload and serves the same bytes back", async () => {
    await storage.createBucket("server-resumable");
    const bytes = randomBytes(600 * 1024);
    const file = storage.bucket("server-resumable").file("exports/chunked.bin");
    await new Promise<void>((resolve, reject) => {
      const upload = file.createWriteStream({ resumable: true, chunkSize: 256 * 1024, contentType: "application/octet-stream" });
      upload.on("error", reject).on("finish", () => resolve());
      upload.end(bytes);
    });
    const [downloaded] = await file.download();
    expect(downloaded.equals(bytes)).toBe(true);
  });

  it("takes a simple media upload", async () => {
    await storage.createBucket("server-media");
    const response = await fetch(`${server.url}/upload/storage/v1/b/server-media/o?uploadType=media&name=notes%2Fa.txt`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "plain",
    });
    expect(response.status).toBe(200);
    const [metadata] = await storage.bucket("server-media").file("notes/a.txt").getMetadata();
    expect(metadata).toMatchObject({ name: "notes/a.txt", contentType: "text/plain", size: "5" });
  });

  it("patches custom metadata under a metageneration precondition", async () => {
    await storage.createBucket("server-patch");
    const file = storage.bucket("server-patch").file("exports/a.csv");
    await file.save("a", { resumable: false, metadata: { metadata: { runId: "run-1", stale: "yes" } } });
    const [patched] = await file.setMetadata({ metadata: { stale: null, reviewed: "yes" } }, { ifMetagenerationMatch: 1 });
    expect(patched.metadata).toEqual({ runId: "run-1", reviewed: "yes" });
    await expect(file.setMetadata({ metadata: { late: "yes" } }, { ifMetagenerationMatch: 1 })).rejects.toMatchObject({ code: 412 });
  });

  it("deletes only the generation named in the precondition", async () => {
    await storage.createBucket("server-delete");
    const file = storage.bucket("server-delete").file("exports/a.csv");
    await file.save("a", { resumable: false });
    const [metadata] = await file.getMetadata();
    await expect(file.delete({ ifGenerationMatch: Number(metadata.generation) + 1 })).rejects.toMatchObject({ code: 412 });
    await file.delete({ ifGenerationMatch: Number(metadata.generation) });
    expect((await file.exists())[0]).toBe(false);
  });

  it("pages a long listing", async () => {
    await storage.createBucket("server-pages");
    const bucket = storage.bucket("server-pages");
    for (let i = 0; i < 5; i++) await bucket.file(`exports/${i}.csv`).save(String(i), { resumable: false });
    const [firstPage, next] = await bucket.getFiles({ prefix: "exports/", maxResults: 2, autoPaginate: false });
    expect(firstPage.map((file) => file.name)).toEqual(["exports/0.csv", "exports/1.csv"]);
    expect(next).toMatchObject({ pageToken: "exports/1.csv" });
    const [all] = await bucket.getFiles({ prefix: "exports/" });
    expect(all).toHaveLength(5);
  });

  it("answers injected failures, then recovers", async () => {
    server.failNext(2, 500);
    await expect(storage.bucket("server-buckets").getMetadata()).rejects.toMatchObject({ code: 500 });
    await expect(storage.bucket("server-buckets").getMetadata()).rejects.toMatchObject({ code: 500 });
    const before = server.requestCount;
    await expect(storage.bucket("server-buckets").getMetadata()).resolves.toBeDefined();
    expect(server.requestCount).toBe(before + 1);
  });

  it("aims an injected failure at one route only, and records what each request was answered", async () => {
    // A client that retries, as the scraper's does, so the upload outlives the injected 503s.
    const retrying = new Storage({
      apiEndpoint: server.url,
      projectId: "crm-sync-test",
      retryOptions: { autoRetry: true, maxRetries: 3, retryDelayMultiplier: 1, maxRetryDelay: 1, idempotencyStrategy: IdempotencyStrategy.RetryAlways },
    });
    const bucket = retrying.bucket("server-buckets");
    server.failNext(2, { status: 503, only: { method: "POST", pathPrefix: "/upload/storage/v1/b/server-buckets/o" } });
    const from = server.answered.length;
    // Requests to other routes pass untouched while the fault waits for an upload.
    await expect(bucket.getMetadata()).resolves.toBeDefined();
    await expect(bucket.file("scoped.txt").save("scoped", { resumable: false })).resolves.toBeUndefined();
    const uploads = server.answered.slice(from).filter((answer) => answer.path.startsWith("/upload/"));
    // The client retries a 503 on its own: two injected 503s, then the upload that stored it.
    expect(uploads.map(({ status, injected }) => ({ status, injected }))).toEqual([
      { status: 503, injected: true },
      { status: 503, injected: true },
      { status: 200, injected: false },
    ]);
    expect(server.answered.slice(from).filter((answer) => !answer.path.startsWith("/upload/")).every((answer) => !answer.injected)).toBe(true);
    const [contents] = await bucket.file("scoped.txt").download();
    expect(contents.toString("utf8")).toBe("scoped");
  });

  it("holds the answer to one matching request: the upload is stored before its caller hears so", async () => {
    const bucket = storage.bucket("server-buckets");
    const hold = server.holdNext({ method: "POST", pathPrefix: "/upload/storage/v1/b/server-buckets/o" });
    let answered = false;
    const saving = bucket
      .file("held.txt")
      .save("held", { resumable: false })
      .then(() => (answered = true));
    await hold.arrived;
    // Stored while its caller still waits for the answer.
    const [contents] = await bucket.file("held.txt").download();
    expect({ contents: contents.toString("utf8"), answered }).toEqual({ contents: "held", answered: false });
    hold.release();
    await saving;
    expect(answered).toBe(true);
  });
});
