import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Storage, type File, type FileMetadata, type StorageOptions } from "@google-cloud/storage";
import { SyncError } from "@crm-sync/errors";
import { BlobNotFoundError } from "./blob-errors.ts";
import { assertSafeBlobName, assertSafePrefix } from "./blob-name.ts";
import { toBlobError } from "./gcs-errors.ts";
import { Sha256Meter } from "./sha256-meter.ts";
import type { BlobInfo, BlobSource, BlobStore, PutOptions } from "./types.ts";

export interface GcsBlobStoreOptions {
  bucket: string;
  /** A configured client: credentials, retry policy and (in tests) `apiEndpoint` are the caller's. */
  storage: Storage;
  /**
   * When set, `url()` returns a V4 signed read URL valid this long; that needs credentials that
   * can sign (a key, or IAM signBlob). Otherwise `url()` returns a Cloud Console link.
   */
  signedUrlTtlSeconds?: number;
}

export class GcsBlobStore implements BlobStore {
  readonly bucket: string;
  readonly #storage: Storage;
  readonly #downloads: Storage;
  readonly #signedUrlTtlSeconds: number | undefined;

  constructor(options: GcsBlobStoreOptions) {
    this.bucket = options.bucket;
    this.#storage = options.storage;
    this.#downloads = withoutAutoRetry(options.storage);
    this.#signedUrlTtlSeconds = options.signedUrlTtlSeconds;
  }

  async put(name: string, source: BlobSource, options: PutOptions): Promise<BlobInfo> {
    assertSafeBlobName(name);
    // GCS takes custom metadata with the upload, so the hash is known first: the object then
    // never exists without its sha256. A file is hashed by streaming it, never loaded whole.
    const sha256 = await sha256Of(source);
    const file = this.#file(name);
    const uploaded = new Sha256Meter();
    try {
      await pipeline(
        readSource(source),
        uploaded,
        file.createWriteStream({
          // Buffers go in one multipart request; files use a resumable session that survives
          // a dropped connection part-way through a large export.
          resumable: !Buffer.isBuffer(source),
          contentType: options.contentType,
          metadata: { contentType: options.contentType, metadata: { ...options.metadata, sha256 } },
          // Create-only: GCS refuses with 412 when any live generation of the name exists.
          preconditionOpts: { ifGenerationMatch: 0 },
        }),
      );
    } catch (error) {
      throw toBlobError(error, this.bucket, name);
    }
    const info = toInfo(this.bucket, file.metadata);
    if (uploaded.digest() !== sha256) {
      // The file changed between hashing and upload; its recorded sha256 would be a lie.
      await file.delete({ ifGenerationMatch: info.generation }).catch(() => {});
      throw new SyncError("INTERNAL", "The export file changed while it was being uploaded.");
    }
    return info;
  }

  async get(name: string): Promise<Readable> {
    const info = await this.stat(name);
    if (info === undefined) throw new BlobNotFoundError(this.bucket, name);
    // Pinned to the generation just seen, so the bytes match the metadata.
    const download = this.#file(name, info.generation, this.#downloads).createReadStream();
    const output = new PassThrough();
    download.on("error", (error) => output.destroy(toBlobError(error, this.bucket, name)));
    // A reader that gives up (a stalled download, a failed load) ends the request too, or its socket stays open.
    output.once("close", () => download.destroy());
    return download.pipe(output);
  }

  async stat(name: string): Promise<BlobInfo | undefined> {
    assertSafeBlobName(name);
    try {
      const [metadata] = await this.#file(name).getMetadata();
      return toInfo(this.bucket, metadata);
    } catch (error) {
      const mapped = toBlobError(error, this.bucket, name);
      if (mapped instanceof BlobNotFoundError) return undefined;
      throw mapped;
    }
  }

  async list(prefix: string): Promise<BlobInfo[]> {
    assertSafePrefix(prefix);
    try {
      const [files] = await this.#storage.bucket(this.bucket).getFiles({ prefix, autoPaginate: true });
      return files.map((file) => toInfo(this.bucket, file.metadata)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (error) {
      throw toBlobError(error, this.bucket, prefix);
    }
  }

  async url(name: string): Promise<string> {
    assertSafeBlobName(name);
    if (this.#signedUrlTtlSeconds === undefined) {
      const path = name.split("/").map(encodeURIComponent).join("/");
      return `https://console.cloud.google.com/storage/browser/_details/${this.bucket}/${path}`;
    }
    try {
      const [url] = await this.#file(name).getSignedUrl({
        version: "v4",
        action: "read",
        expires: Date.now() + this.#signedUrlTtlSeconds * 1000,
      });
      return url;
    } catch (error) {
      throw toBlobError(error, this.bucket, name);
    }
  }

  #file(name: string, generation?: string, client: Storage = this.#storage): File {
    return client.bucket(this.bucket).file(name, generation === undefined ? {} : { generation: Number(generation) });
  }
}

async function sha256Of(source: BlobSource): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of readSource(source)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function readSource(source: BlobSource): Readable | Buffer[] {
  return Buffer.isBuffer(source) ? [source] : createReadStream(source.path);
}

function toInfo(bucket: string, metadata: FileMetadata): BlobInfo {
  const custom = metadata.metadata ?? {};
  const sha256 = custom["sha256"];
  return {
    bucket,
    name: metadata.name ?? "",
    generation: String(metadata.generation ?? ""),
    sha256: typeof sha256 === "string" ? sha256 : "",
    bytes: Number(metadata.size ?? 0),
    contentType: metadata.contentType ?? "application/octet-stream",
    createdAt: metadata.timeCreated ?? "",
  };
}

/**
 * The same client for media downloads, with its automatic retries off. @google-cloud/storage 7
 * retries a download that answered 503 by piping the new response into the stream it already
 * destroyed; Node throws ERR_STREAM_UNABLE_TO_PIPE there, outside any handler, and the process
 * dies (googleapis/google-cloud-node#8670; reproduced with one 503 on `alt=media`). Unretried, the
 * 503 is an error on the stream, BLOB_UNAVAILABLE, and the whole load is retried by redelivery.
 */
function withoutAutoRetry(storage: Storage): Storage {
  return new Storage({
    projectId: storage.projectId,
    apiEndpoint: storage.apiEndpoint,
    // The client's own auth, so both send the same credentials. Its declared type is wider than the
    // option's (GoogleAuth<AuthClient> against GoogleAuth<JSONClient>) though it is the same object.
    authClient: storage.authClient as NonNullable<StorageOptions["authClient"]>,
    retryOptions: { ...storage.retryOptions, autoRetry: false },
  });
}
