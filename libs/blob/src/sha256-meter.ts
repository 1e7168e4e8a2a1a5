import { createHash } from "node:crypto";
import { Transform } from "node:stream";

/** A pass-through that hashes and counts what flows through it, so a file is read only once. */
export class Sha256Meter extends Transform {
  #hash = createHash("sha256");
  #bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.#hash.update(chunk);
    this.#bytes += chunk.length;
    callback(null, chunk);
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Call once, after the stream has finished. */
  digest(): string {
    return this.#hash.digest("hex");
  }
}
