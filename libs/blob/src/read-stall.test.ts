import { PassThrough, Readable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readWithStallTimeout } from "./read-stall.ts";

afterEach(() => {
  vi.useRealTimers();
});

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

describe("readWithStallTimeout", () => {
  it("passes every byte of a stream that keeps arriving", async () => {
    const stream = await readWithStallTimeout(async () => Readable.from([Buffer.from("a,b\n"), Buffer.from("1,2")]), 1_000);
    expect(await readAll(stream)).toBe("a,b\n1,2");
  });

  it("fails with BLOB_UNAVAILABLE and ends the source when bytes stop arriving mid-stream", async () => {
    vi.useFakeTimers();
    const source = new PassThrough();
    source.write("first bytes");
    const stream = await readWithStallTimeout(async () => source, 5_000);
    const reading = readAll(stream);
    const outcome = expect(reading).rejects.toMatchObject({ code: "BLOB_UNAVAILABLE", retryable: true });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(source.destroyed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await outcome;
    expect(source.destroyed).toBe(true);
  });

  it("fails with BLOB_UNAVAILABLE when opening the object takes too long, and closes it if it opens late", async () => {
    vi.useFakeTimers();
    const late = new PassThrough();
    let open: (stream: Readable) => void = () => {};
    const opening = readWithStallTimeout(() => new Promise<Readable>((resolve) => (open = resolve)), 2_000);
    const outcome = expect(opening).rejects.toMatchObject({ code: "BLOB_UNAVAILABLE" });
    await vi.advanceTimersByTimeAsync(2_000);
    await outcome;
    open(late);
    await vi.waitFor(() => expect(late.destroyed).toBe(true));
  });

  it("does not count time the consumer holds the stream back", async () => {
    vi.useFakeTimers();
    const source = new PassThrough({ highWaterMark: 1024 * 1024 });
    const stream = await readWithStallTimeout(async () => source, 1_000);
    // More than the stream buffers: it stops asking the source for bytes until someone reads.
    for (let i = 0; i < 4; i += 1) source.write(Buffer.alloc(64 * 1024, 97));
    stream.read(0);
    // Nobody reads for ten stall periods (a slow COPY), while the source, unfinished, has more ready.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(stream.errored).toBeNull();
    source.end();
    expect((await readAll(stream)).length).toBe(4 * 64 * 1024);
  });
});
