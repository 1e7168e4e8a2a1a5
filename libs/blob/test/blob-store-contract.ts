import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BlobExistsError, BlobNotFoundError, UnsafeBlobNameError, type BlobStore } from "../src/index.ts";

export interface BlobStoreHarness {
  store: BlobStore;
  cleanup(): Promise<void>;
}

const CSV = "text/csv; charset=utf-8";
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** The behaviour every BlobStore adapter must share; run once per adapter. */
export function blobStoreContract(adapter: string, open: () => Promise<BlobStoreHarness>): void {
  describe(`BlobStore contract: ${adapter}`, () => {
    let harness: BlobStoreHarness;
    let scratch: string;
    beforeEach(async () => {
      harness = await open();
      scratch = await mkdtemp(join(tmpdir(), "crm-sync-blob-source-"));
    });
    afterEach(async () => {
      await harness.cleanup();
      await rm(scratch, { recursive: true, force: true });
    });

    it("returns the exact bytes of a buffer put, with its sha256, size and content type", async () => {
      const bytes = Buffer.from('\uFEFF"Store","Customer"\r\n"Main","Example Person"', "utf8");
      const info = await harness.store.put("exports/2026/11/26/run-a.csv", bytes, { contentType: CSV });
      expect(info).toMatchObject({ bucket: harness.store.bucket, name: "exports/2026/11/26/run-a.csv", sha256: sha256(bytes), bytes: bytes.length, contentType: CSV });
      expect(await buffer(await harness.store.get("exports/2026/11/26/run-a.csv"))).toEqual(bytes);
      expect(await harness.store.stat("exports/2026/11/26/run-a.csv")).toEqual(info);
    });

    it("gives each object a GCS-style generation: decimal digits, as csv-ready's contract requires", async () => {
      const first = await harness.store.put("exports/gen-a.csv", Buffer.from("a"), { contentType: CSV });
      const second = await harness.store.put("exports/gen-b.csv", Buffer.from("b"), { contentType: CSV });
      for (const info of [first, second]) expect(info.generation).toMatch(/^[0-9]{1,19}$/);
      expect(second.generation).not.toBe(first.generation);
    });

    it("streams a file source and records the sha256 of its content", async () => {
      const bytes = randomBytes(3 * 1024 * 1024 + 17);
      const path = join(scratch, "export.csv");
      await writeFile(path, bytes);
      const info = await harness.store.put("exports/big.csv", { path }, { contentType: CSV, metadata: { runId: "run-big" } });
      expect(info.sha256).toBe(sha256(bytes));
      expect(info.bytes).toBe(bytes.length);
      expect(sha256(await buffer(await harness.store.get("exports/big.csv")))).toBe(sha256(bytes));
    });

    it("refuses a second put of the same name and keeps the first object", async () => {
      const first = await harness.store.put("exports/once.csv", Buffer.from("first"), { contentType: CSV });
      await expect(harness.store.put("exports/once.csv", Buffer.from("second"), { contentType: CSV })).rejects.toBeInstanceOf(BlobExistsError);
      expect((await buffer(await harness.store.get("exports/once.csv"))).toString()).toBe("first");
      expect(await harness.store.stat("exports/once.csv")).toEqual(first);
    });

    it("lets exactly one of two concurrent puts of one name win", async () => {
      const results = await Promise.allSettled([
        harness.store.put("exports/race.csv", Buffer.from("left"), { contentType: CSV }),
        harness.store.put("exports/race.csv", Buffer.from("right"), { contentType: CSV }),
      ]);
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      const rejected = results.find((result) => result.status === "rejected");
      expect(rejected?.reason).toBeInstanceOf(BlobExistsError);
    });

    it("lists objects by prefix in name order and stats missing objects as undefined", async () => {
      for (const name of ["exports/b.csv", "exports/a.csv", "artifacts/run-1/page.html", "exports-old/c.csv"]) {
        await harness.store.put(name, Buffer.from(name), { contentType: CSV });
      }
      expect((await harness.store.list("exports/")).map((info) => info.name)).toEqual(["exports/a.csv", "exports/b.csv"]);
      expect((await harness.store.list("exports")).map((info) => info.name)).toEqual(["exports-old/c.csv", "exports/a.csv", "exports/b.csv"]);
      expect((await harness.store.list("")).map((info) => info.name)).toHaveLength(4);
      expect(await harness.store.list("nothing/")).toEqual([]);
      const [listed] = await harness.store.list("artifacts/");
      expect(listed?.sha256).toBe(sha256(Buffer.from("artifacts/run-1/page.html")));
      expect(await harness.store.stat("exports/missing.csv")).toBeUndefined();
    });

    it("rejects a get of a missing object with BlobNotFoundError", async () => {
      await expect(harness.store.get("exports/missing.csv")).rejects.toBeInstanceOf(BlobNotFoundError);
    });

    it.each(["../outside.csv", "exports/../../etc/passwd", "/etc/passwd", "exports\\run.csv", "", "exports//run.csv", "./run.csv"])(
      "refuses the unsafe name %j everywhere",
      async (name) => {
        await expect(harness.store.put(name, Buffer.from("x"), { contentType: CSV })).rejects.toBeInstanceOf(UnsafeBlobNameError);
        await expect(harness.store.get(name)).rejects.toBeInstanceOf(UnsafeBlobNameError);
        await expect(harness.store.stat(name)).rejects.toBeInstanceOf(UnsafeBlobNameError);
        await expect(harness.store.url(name)).rejects.toBeInstanceOf(UnsafeBlobNameError);
      },
    );

    it("refuses an unsafe list prefix", async () => {
      await expect(harness.store.list("../")).rejects.toBeInstanceOf(UnsafeBlobNameError);
      await expect(harness.store.list("/exports")).rejects.toBeInstanceOf(UnsafeBlobNameError);
    });

    it("gives a link naming the object", async () => {
      await harness.store.put("artifacts/run 1/trace.zip", Buffer.from("zip"), { contentType: "application/zip" });
      const url = await harness.store.url("artifacts/run 1/trace.zip");
      expect(url).toContain("artifacts/run%201/trace.zip");
    });
  });
}
