import { isUtf8 } from "node:buffer";
import { Transform, type TransformCallback } from "node:stream";
import { SyncError } from "@crm-sync/errors";

/**
 * How many bytes at the end of `chunk` start a UTF-8 sequence the chunk does not finish
 * (0 to 3): a character split across two reads is valid, and must be checked as one.
 */
function unfinishedTail(chunk: Buffer): number {
  for (let back = 1; back <= Math.min(3, chunk.length); back++) {
    const byte = chunk[chunk.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    if (byte < 0xc0 || byte >= 0xf8) return 0; // ASCII, or a byte no sequence starts with: nothing pending
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return length > back ? back : 0;
  }
  return 0;
}

/**
 * Passes bytes through unchanged after proving they are UTF-8, the export's contract encoding.
 * Without this check csv-parse would decode stray bytes (a file saved as Windows-874, a
 * corrupted download) to U+FFFD, and the loader would overwrite customers' names with
 * replacement characters. Checking costs a fast native scan per chunk; nothing is copied
 * except the up to 3 bytes of a character split across chunks.
 */
export class Utf8Check extends Transform {
  #pending: Buffer = Buffer.alloc(0);
  #offset = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const bytes = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const tail = unfinishedTail(bytes);
    const complete = bytes.subarray(0, bytes.length - tail);
    if (!isUtf8(complete)) {
      callback(
        new SyncError(
          "CSV_MALFORMED",
          `The export is not valid UTF-8 (an invalid byte sequence in bytes ${this.#offset}-${this.#offset + complete.length}); it was saved in another encoding or damaged.`,
        ),
      );
      return;
    }
    this.#offset += complete.length;
    this.#pending = Buffer.from(bytes.subarray(bytes.length - tail));
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.#pending.length > 0) {
      callback(new SyncError("EXPORT_INCOMPLETE", "The export ends in the middle of a character: the file was cut short."));
      return;
    }
    callback();
  }
}
