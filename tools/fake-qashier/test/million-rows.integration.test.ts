import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { parse } from "csv-parse";
import { describe, expect, it } from "vitest";
import { customerCsvStream } from "../src/index.ts";

const ROWS = 1_000_000;
/** The export is over 100 MB of text; holding it, or its rows, would retain far more than this. */
const MAX_RETAINED_GROWTH_BYTES = 32 * 1024 * 1024;

/**
 * Retained heap after a full collection: without one, heapUsed mostly measures garbage that
 * has not been collected yet, which says nothing about whether the stream holds on to rows.
 */
function retainedHeap(): number {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  return process.memoryUsage().heapUsed;
}

describe("a million-customer export", () => {
  it("streams every row through a parser while retained memory stays flat", async () => {
    const baseline = retainedHeap();
    let peakGrowth = 0;
    let records = 0;
    let bytes = 0;
    const countRecords = new Writable({
      objectMode: true,
      write(_record, _encoding, done) {
        records++;
        if (records % 100_000 === 0) peakGrowth = Math.max(peakGrowth, retainedHeap() - baseline);
        done();
      },
    });
    const source = customerCsvStream({ seed: 99, count: ROWS });
    source.on("data", (chunk: Buffer | string) => (bytes += Buffer.byteLength(chunk)));

    await pipeline(source, parse({ bom: true, columns: true }), countRecords);

    expect(records).toBe(ROWS);
    expect(bytes).toBeGreaterThan(100 * 1000 * 1000);
    expect(peakGrowth).toBeLessThan(MAX_RETAINED_GROWTH_BYTES);
  });
});
