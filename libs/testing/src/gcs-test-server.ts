import { createHash, randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CRC32C } from "@google-cloud/storage";
import express, { type Request, type Response } from "express";

/**
 * An in-memory stand-in for the Cloud Storage JSON API, enough for `@google-cloud/storage`
 * with `apiEndpoint` pointed at `url`: buckets, simple/multipart/resumable uploads, downloads,
 * object metadata get/patch/delete, list by prefix, and generation preconditions (412).
 * There is no GCS emulator to run here, so the real client is tested against this instead.
 */
export interface GcsTestServer {
  url: string;
  /**
   * The next `count` requests that match `fault` answer its status (default 503) before reaching
   * the API; other requests pass. Without `only` every request matches. A number for `fault` is
   * the status. Setting a fault replaces the previous one; `failNext(0)` clears it.
   */
  failNext(count: number, fault?: number | GcsFault): void;
  /**
   * The next media download sends its headers (the full length) and its first `afterBytes`
   * bytes, then nothing more, its connection left open: a download stalled mid-file.
   */
  stallNextDownload(afterBytes: number): void;
  /** Requests seen so far, injected failures included. */
  readonly requestCount: number;
  /** Every request answered so far, in arrival order, with the status it got (injected failures included). */
  readonly answered: readonly GcsAnswer[];
  /**
   * The next request matching `route` is served (an upload is stored, a download read) but its
   * answer waits until `release()`: the caller is caught between the store's effect and its
   * knowing of it. `arrived` resolves when the request came.
   */
  holdNext(route: GcsRoute): GcsHold;
  stop(): Promise<void>;
}

/** Which requests an injected failure hits. */
export interface GcsFault {
  status?: number;
  only?: GcsRoute;
}

export interface GcsRoute {
  method?: string;
  /** The request path starts with this (e.g. `/upload/storage/v1/b/my-bucket/o`). */
  pathPrefix?: string;
  /** Query parameters the request carries with these values (e.g. `{ alt: "media" }`: a download). */
  query?: Record<string, string>;
}

export interface GcsHold {
  arrived: Promise<void>;
  release(): void;
}

export interface GcsAnswer {
  method: string;
  path: string;
  query: Record<string, unknown>;
  status: number;
  /** True when the status came from `failNext`, not from the API. */
  injected: boolean;
}

/** The request (or a recorded answer) is one `route` names; every request matches no route. */
export function matchesRoute(route: GcsRoute | undefined, req: { method: string; path: string; query: Record<string, unknown> }): boolean {
  if (route === undefined) return true;
  if (route.method !== undefined && route.method.toUpperCase() !== req.method) return false;
  if (route.pathPrefix !== undefined && !req.path.startsWith(route.pathPrefix)) return false;
  return Object.entries(route.query ?? {}).every(([name, value]) => req.query[name] === value);
}

interface StoredObject {
  data: Buffer;
  resource: Record<string, unknown> & { generation: string; metageneration: string };
}

interface PendingUpload {
  bucket: string;
  name: string;
  metadata: Record<string, unknown>;
  preconditions: Preconditions;
  chunks: Buffer[];
  received: number;
}

interface Preconditions {
  ifGenerationMatch?: string;
  ifMetagenerationMatch?: string;
}

class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export async function startGcsTestServer(): Promise<GcsTestServer> {
  const buckets = new Map<string, { resource: Record<string, unknown>; objects: Map<string, StoredObject> }>();
  const uploads = new Map<string, PendingUpload>();
  let failures: { remaining: number; status: number; only: GcsRoute | undefined } = { remaining: 0, status: 503, only: undefined };
  let stallAfter: number | undefined;
  let requestCount = 0;
  const answered: GcsAnswer[] = [];
  let hold: { route: GcsRoute; arrive: () => void; released: Promise<void> } | undefined;
  let generationClock = BigInt(Date.now()) * 1000n;
  let baseUrl = "";

  const nextGeneration = () => String(++generationClock);
  const bucketOf = (name: string) => {
    const bucket = buckets.get(name);
    if (bucket === undefined) throw new ApiError(404, `The specified bucket does not exist: ${name}`);
    return bucket;
  };
  const objectOf = (bucketName: string, name: string, generation?: string) => {
    const object = bucketOf(bucketName).objects.get(name);
    if (object === undefined || (generation !== undefined && object.resource.generation !== generation)) {
      throw new ApiError(404, `No such object: ${bucketName}/${name}`);
    }
    return object;
  };

  function checkPreconditions(existing: StoredObject | undefined, preconditions: Preconditions): void {
    const { ifGenerationMatch, ifMetagenerationMatch } = preconditions;
    // ifGenerationMatch=0 means "only if no live object exists": GCS's create-only write.
    if (ifGenerationMatch !== undefined && (existing?.resource.generation ?? "0") !== ifGenerationMatch) {
      throw new ApiError(412, "At least one of the pre-conditions you specified did not hold.");
    }
    if (ifMetagenerationMatch !== undefined && existing?.resource.metageneration !== ifMetagenerationMatch) {
      throw new ApiError(412, "At least one of the pre-conditions you specified did not hold.");
    }
  }

  function store(bucketName: string, name: string, data: Buffer, metadata: Record<string, unknown>, preconditions: Preconditions) {
    const bucket = bucketOf(bucketName);
    checkPreconditions(bucket.objects.get(name), preconditions);
    const crc32c = new CRC32C();
    crc32c.update(data);
    const now = new Date().toISOString();
    const generation = nextGeneration();
    const resource = {
      ...metadata,
      kind: "storage#object",
      id: `${bucketName}/${name}/${generation}`,
      selfLink: `${baseUrl}/storage/v1/b/${bucketName}/o/${encodeURIComponent(name)}`,
      name,
      bucket: bucketName,
      generation,
      metageneration: "1",
      contentType: typeof metadata["contentType"] === "string" ? metadata["contentType"] : "application/octet-stream",
      size: String(data.length),
      md5Hash: createHash("md5").update(data).digest("base64"),
      crc32c: crc32c.toString(),
      timeCreated: now,
      updated: now,
      storageClass: "STANDARD",
    };
    bucket.objects.set(name, { data, resource });
    return resource;
  }

  const app = express();
  app.use(express.raw({ type: () => true, limit: "1gb" }));
  app.use((req, res, next) => {
    requestCount += 1;
    // Recorded when the answer goes out, so a test can count what one route really received.
    const answer = { method: req.method, path: req.path, query: { ...req.query }, status: 0, injected: false };
    answered.push(answer);
    res.once("finish", () => (answer.status = res.statusCode));
    if (hold !== undefined && matchesRoute(hold.route, req)) {
      const { arrive, released } = hold;
      hold = undefined;
      // The route runs as usual; only the bytes of its answer wait (express ends every answer with `end`).
      const end = res.end.bind(res) as (...args: unknown[]) => Response;
      res.end = ((...args: unknown[]) => {
        void released.then(() => {
          if (!res.destroyed) end(...args);
        });
        return res;
      }) as Response["end"];
      arrive();
    }
    if (failures.remaining > 0 && matchesRoute(failures.only, req)) {
      answer.injected = true;
      failures = { ...failures, remaining: failures.remaining - 1 };
      sendError(res, new ApiError(failures.status, "Injected failure from the GCS test server."));
      return;
    }
    next();
  });

  app.post("/storage/v1/b", (req, res) => {
    const body = jsonBody(req);
    const name = body["name"];
    if (typeof name !== "string" || name === "") throw new ApiError(400, "Bucket name is required.");
    if (buckets.has(name)) throw new ApiError(409, "The requested bucket name is not available.");
    const resource = { kind: "storage#bucket", id: name, name, timeCreated: new Date().toISOString(), location: "US" };
    buckets.set(name, { resource, objects: new Map() });
    res.json(resource);
  });

  app.get("/storage/v1/b/:bucket", (req, res) => {
    res.json(bucketOf(param(req, "bucket")).resource);
  });

  app.get("/storage/v1/b/:bucket/o", (req, res) => {
    const prefix = query(req, "prefix") ?? "";
    const pageSize = Number(query(req, "maxResults") ?? 1000);
    const after = query(req, "pageToken");
    const names = [...bucketOf(param(req, "bucket")).objects.keys()]
      .filter((name) => name.startsWith(prefix) && (after === undefined || name > after))
      .sort();
    const page = names.slice(0, pageSize);
    const objects = bucketOf(param(req, "bucket")).objects;
    res.json({
      kind: "storage#objects",
      items: page.map((name) => objects.get(name)?.resource),
      ...(names.length > page.length ? { nextPageToken: page.at(-1) } : {}),
    });
  });

  app.get("/storage/v1/b/:bucket/o/:object", (req, res) => {
    const object = objectOf(param(req, "bucket"), param(req, "object"), query(req, "generation"));
    checkPreconditions(object, preconditionsOf(req));
    if (query(req, "alt") !== "media") {
      res.json(object.resource);
      return;
    }
    res.set({
      "content-type": object.resource["contentType"] as string,
      "x-goog-generation": object.resource.generation,
      "x-goog-hash": `crc32c=${object.resource["crc32c"] as string},md5=${object.resource["md5Hash"] as string}`,
      "x-goog-stored-content-length": String(object.data.length),
    });
    if (stallAfter !== undefined) {
      const sent = Math.min(stallAfter, object.data.length);
      stallAfter = undefined;
      res.set("content-length", String(object.data.length));
      res.write(object.data.subarray(0, sent));
      return;
    }
    res.send(object.data);
  });

  app.patch("/storage/v1/b/:bucket/o/:object", (req, res) => {
    const object = objectOf(param(req, "bucket"), param(req, "object"));
    checkPreconditions(object, preconditionsOf(req));
    const patch = jsonBody(req);
    const custom = { ...(object.resource["metadata"] as Record<string, unknown> | undefined) };
    for (const [key, value] of Object.entries((patch["metadata"] as Record<string, unknown> | undefined) ?? {})) {
      // In a JSON-API patch a null value removes the key.
      if (value === null) delete custom[key];
      else custom[key] = value;
    }
    object.resource = {
      ...object.resource,
      ...patch,
      metadata: custom,
      metageneration: String(Number(object.resource.metageneration) + 1),
      updated: new Date().toISOString(),
    };
    res.json(object.resource);
  });

  app.delete("/storage/v1/b/:bucket/o/:object", (req, res) => {
    const bucket = param(req, "bucket");
    const object = objectOf(bucket, param(req, "object"));
    checkPreconditions(object, preconditionsOf(req));
    bucketOf(bucket).objects.delete(param(req, "object"));
    res.status(204).end();
  });

  app.post("/upload/storage/v1/b/:bucket/o", (req, res) => {
    const bucket = param(req, "bucket");
    const uploadType = query(req, "uploadType") ?? "media";
    if (uploadType === "media") {
      const name = requiredName(query(req, "name"));
      const contentType = req.get("content-type") ?? "application/octet-stream";
      res.json(store(bucket, name, bodyOf(req), { contentType }, preconditionsOf(req)));
      return;
    }
    if (uploadType === "multipart") {
      const [metadataPart, dataPart] = multipartRelated(req);
      const metadata = JSON.parse(metadataPart.body.toString("utf8")) as Record<string, unknown>;
      const name = requiredName(typeof metadata["name"] === "string" ? metadata["name"] : query(req, "name"));
      const contentType = metadata["contentType"] ?? dataPart.contentType ?? "application/octet-stream";
      res.json(store(bucket, name, dataPart.body, { ...metadata, contentType }, preconditionsOf(req)));
      return;
    }
    if (uploadType === "resumable") {
      const metadata = jsonBody(req);
      const name = requiredName(typeof metadata["name"] === "string" ? metadata["name"] : query(req, "name"));
      const preconditions = preconditionsOf(req);
      checkPreconditions(bucketOf(bucket).objects.get(name), preconditions);
      const contentType = metadata["contentType"] ?? req.get("x-upload-content-type") ?? "application/octet-stream";
      const id = randomUUID();
      uploads.set(id, { bucket, name, metadata: { ...metadata, contentType }, preconditions, chunks: [], received: 0 });
      res.set("location", `${baseUrl}/upload/storage/v1/b/${bucket}/o?uploadType=resumable&upload_id=${id}`).json({});
      return;
    }
    throw new ApiError(400, `Unsupported uploadType ${uploadType}.`);
  });

  app.put("/upload/storage/v1/b/:bucket/o", (req, res) => {
    const id = query(req, "upload_id") ?? "";
    const upload = uploads.get(id);
    if (upload === undefined) throw new ApiError(404, "No such upload session.");
    const range = /^bytes (?:(\d+)-(\d+|\*)|\*)\/(\d+|\*)$/.exec(req.get("content-range") ?? "bytes */*");
    if (range === null) throw new ApiError(400, "Bad Content-Range.");
    const body = bodyOf(req);
    const [, start, end, total] = range;
    if (start !== undefined && Number(start) !== upload.received) {
      throw new ApiError(400, "Chunk does not continue the upload.");
    }
    upload.chunks.push(body);
    upload.received += body.length;
    // `bytes N-*/*` streams the rest of the object in this one request.
    const complete = total === "*" ? end === "*" : upload.received === Number(total);
    if (!complete) {
      if (upload.received > 0) res.set("range", `bytes=0-${upload.received - 1}`);
      res.status(308).end();
      return;
    }
    uploads.delete(id);
    res.json(store(upload.bucket, upload.name, Buffer.concat(upload.chunks), upload.metadata, upload.preconditions));
  });

  app.use((req: Request, res: Response) => {
    sendError(res, new ApiError(404, `The GCS test server does not serve ${req.method} ${req.path}.`));
  });
  app.use((error: unknown, _req: Request, res: Response, _next: () => void) => {
    sendError(res, error instanceof ApiError ? error : new ApiError(500, (error as Error).message));
  });

  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    failNext(count: number, fault: number | GcsFault = {}) {
      const { status = 503, only } = typeof fault === "number" ? { status: fault } : fault;
      failures = { remaining: count, status, only };
    },
    stallNextDownload(afterBytes: number) {
      stallAfter = afterBytes;
    },
    get requestCount() {
      return requestCount;
    },
    get answered() {
      return answered;
    },
    holdNext(route: GcsRoute): GcsHold {
      let arrive = () => {};
      let release = () => {};
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      hold = { route, arrive, released };
      return { arrived, release };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function sendError(res: Response, error: ApiError): void {
  res.status(error.status).json({
    error: { code: error.status, message: error.message, errors: [{ message: error.message, domain: "global", reason: "testServer" }] },
  });
}

function param(req: Request, name: string): string {
  const value = req.params[name];
  if (typeof value !== "string") throw new ApiError(400, `Missing ${name}.`);
  return value;
}

function query(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === "string" ? value : undefined;
}

function requiredName(name: string | undefined): string {
  if (name === undefined || name === "") throw new ApiError(400, "Object name is required.");
  return name;
}

function preconditionsOf(req: Request): Preconditions {
  const ifGenerationMatch = query(req, "ifGenerationMatch");
  const ifMetagenerationMatch = query(req, "ifMetagenerationMatch");
  return {
    ...(ifGenerationMatch === undefined ? {} : { ifGenerationMatch }),
    ...(ifMetagenerationMatch === undefined ? {} : { ifMetagenerationMatch }),
  };
}

function bodyOf(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

function jsonBody(req: Request): Record<string, unknown> {
  const body = bodyOf(req);
  if (body.length === 0) return {};
  const parsed: unknown = JSON.parse(body.toString("utf8"));
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ApiError(400, "Expected a JSON object.");
  return parsed as Record<string, unknown>;
}

interface Part {
  contentType: string | undefined;
  body: Buffer;
}

/** `multipart/related`: a JSON metadata part, then the media part (the client's multipart upload). */
function multipartRelated(req: Request): [Part, Part] {
  const boundary = /boundary="?([^";]+)"?/.exec(req.get("content-type") ?? "")?.[1];
  if (boundary === undefined) throw new ApiError(400, "Multipart upload without a boundary.");
  const body = bodyOf(req);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let cursor = body.indexOf(delimiter);
  while (cursor !== -1) {
    const start = cursor + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    const raw = body.subarray(start, next);
    const headerEnd = raw.indexOf("\r\n\r\n");
    const headers = raw.subarray(0, headerEnd).toString("utf8");
    // The part body ends with the CRLF that precedes the next delimiter.
    const content = raw.subarray(headerEnd + 4, raw.length - 2);
    parts.push({ contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim(), body: content });
    cursor = next;
  }
  const [metadata, media] = parts;
  if (metadata === undefined || media === undefined) throw new ApiError(400, "Multipart upload needs two parts.");
  return [metadata, media];
}
