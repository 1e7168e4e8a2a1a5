import { Transform } from "node:stream";

/**
 * Joins the stringifier's one-chunk-per-row output into blocks of about `bytes`: written to an
 * HTTP response one row at a time, a million rows cost seven times longer than the CSV itself.
 */
export function coalesceChunks(bytes = 64 * 1024): Transform {
  let pending: Buffer[] = [];
  let size = 0;
  return new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      const data = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
      pending.push(data);
      size += data.length;
      if (size >= bytes) {
        this.push(Buffer.concat(pending, size));
        pending = [];
        size = 0;
      }
      done();
    },
    flush(done) {
      if (size > 0) this.push(Buffer.concat(pending, size));
      done();
    },
  });
}
