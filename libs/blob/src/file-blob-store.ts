import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { BlobExistsError, BlobNotFoundError } from "./blob-errors.ts";
import { assertSafeBlobName, assertSafeBucketName, assertSafePrefix } from "./blob-name.ts";
import { Sha256Meter } from "./sha256-meter.ts";
import type { BlobInfo, BlobSource, BlobStore, PutOptions } from "./types.ts";

/** What the store writes beside each object; read back through this schema, never trusted. */
const StoredMetadata = z.object({
  bucket: z.string(),
  name: z.string(),
  generation: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  contentType: z.string(),
  createdAt: z.string(),
  metadata: z.record(z.string(), z.string()),
});
type StoredMetadata = z.infer<typeof StoredMetadata>;

export interface FileBlobStoreOptions {
  /** Folder holding one sub-folder per bucket. */
  root: string;
  bucket: string;
}

/**
 * A local folder that behaves like a bucket: `<root>/<bucket>/<name>` holds the bytes (so the
 * file:// link opens the real file) and `<root>/.blob-meta/<bucket>/<name>.json` the metadata.
 * An object exists once its metadata file exists; that file is written last.
 */
export class FileBlobStore implements BlobStore {
  readonly bucket: string;
  readonly #objects: string;
  readonly #metadata: string;
  readonly #scratch: string;
  #lastGeneration = 0n;

  constructor(options: FileBlobStoreOptions) {
    assertSafeBucketName(options.bucket);
    this.bucket = options.bucket;
    this.#objects = join(options.root, options.bucket);
    this.#metadata = join(options.root, ".blob-meta", options.bucket);
    this.#scratch = join(options.root, ".blob-tmp");
  }

  async put(name: string, source: BlobSource, options: PutOptions): Promise<BlobInfo> {
    assertSafeBlobName(name);
    const objectPath = join(this.#objects, name);
    const metadataPath = this.#metadataPath(name);
    await Promise.all([mkdir(dirname(objectPath), { recursive: true }), mkdir(this.#scratch, { recursive: true })]);
    // Claim the name with an exclusive create: of two puts of one name, exactly one wins, and
    // the loser fails before reading its source.
    try {
      await (await open(objectPath, "wx")).close();
    } catch (error) {
      if (errnoCode(error) === "EEXIST") throw new BlobExistsError(this.bucket, name, { cause: error });
      throw error;
    }
    const scratch = join(this.#scratch, randomUUID());
    try {
      const meter = new Sha256Meter();
      await pipeline(readSource(source), meter, createWriteStream(scratch, { flags: "wx" }));
      const info: BlobInfo = {
        bucket: this.bucket,
        name,
        generation: this.#nextGeneration(),
        sha256: meter.digest(),
        bytes: meter.bytes,
        contentType: options.contentType,
        createdAt: new Date().toISOString(),
      };
      // Rename replaces the empty claim in one step: a reader sees no bytes or all of them.
      await rename(scratch, objectPath);
      const stored: StoredMetadata = { ...info, metadata: { ...options.metadata, sha256: info.sha256 } };
      const metadataScratch = `${scratch}.json`;
      await writeFile(metadataScratch, JSON.stringify(stored), { flag: "wx" });
      await mkdir(dirname(metadataPath), { recursive: true });
      await rename(metadataScratch, metadataPath);
      return info;
    } catch (error) {
      await Promise.all([rm(scratch, { force: true }), rm(`${scratch}.json`, { force: true }), rm(objectPath, { force: true })]);
      throw error;
    }
  }

  async get(name: string): Promise<Readable> {
    assertSafeBlobName(name);
    if ((await this.#readMetadata(name)) === undefined) throw new BlobNotFoundError(this.bucket, name);
    const handle = await open(join(this.#objects, name), "r");
    return handle.createReadStream();
  }

  async stat(name: string): Promise<BlobInfo | undefined> {
    assertSafeBlobName(name);
    const stored = await this.#readMetadata(name);
    return stored === undefined ? undefined : toInfo(stored);
  }

  async list(prefix: string): Promise<BlobInfo[]> {
    assertSafePrefix(prefix);
    // Only the folder the prefix points into needs walking.
    const folder = prefix.slice(0, prefix.lastIndexOf("/") + 1);
    let entries: string[];
    try {
      entries = await readdir(join(this.#metadata, folder), { recursive: true });
    } catch (error) {
      if (errnoCode(error) === "ENOENT") return [];
      throw error;
    }
    const names = entries
      .filter((entry) => entry.endsWith(".json"))
      .map((entry) => folder + entry.slice(0, -".json".length))
      .filter((name) => name.startsWith(prefix))
      .sort();
    const infos = await Promise.all(names.map(async (name) => await this.#readMetadata(name)));
    return infos.filter((stored) => stored !== undefined).map(toInfo);
  }

  async url(name: string): Promise<string> {
    assertSafeBlobName(name);
    return pathToFileURL(join(this.#objects, name)).href;
  }

  #metadataPath(name: string): string {
    return join(this.#metadata, `${name}.json`);
  }

  async #readMetadata(name: string): Promise<StoredMetadata | undefined> {
    let text: string;
    try {
      text = await readFile(this.#metadataPath(name), "utf8");
    } catch (error) {
      if (errnoCode(error) === "ENOENT" || errnoCode(error) === "ENOTDIR") return undefined;
      throw error;
    }
    return StoredMetadata.parse(JSON.parse(text));
  }

  /** GCS generations are microsecond timestamps; this mimics them and never repeats. */
  #nextGeneration(): string {
    const now = BigInt(Date.now()) * 1000n;
    this.#lastGeneration = now > this.#lastGeneration ? now : this.#lastGeneration + 1n;
    return String(this.#lastGeneration);
  }
}

function readSource(source: BlobSource): Readable | Buffer[] {
  // A one-element array is an iterable pipeline source, so a Buffer needs no stream wrapper.
  return Buffer.isBuffer(source) ? [source] : createReadStream(source.path);
}

function toInfo(stored: StoredMetadata): BlobInfo {
  const { metadata: _metadata, ...info } = stored;
  return info;
}

function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
