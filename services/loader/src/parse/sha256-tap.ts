import { createHash } from "node:crypto";
import { Transform } from "node:stream";

/** Passes bytes through unchanged while hashing them: the file is read once, never buffered. */
export class Sha256Tap extends Transform {
  readonly #hash = createHash("sha256");
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.#hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  digest(): string {
    return this.#hash.digest("hex");
  }
}
