import { Readable } from "node:stream";
import { SyncError } from "@crm-sync/errors";

const stalled = (stallMs: number) =>
  new SyncError("BLOB_UNAVAILABLE", `The export stopped arriving from storage: no bytes for ${stallMs} ms.`);

/**
 * Opens an object and reads it, failing with BLOB_UNAVAILABLE (retried) when opening it, or any
 * later wait for its next bytes, takes longer than `stallMs`.
 *
 * Why here and not in the database: the loader streams the export into a COPY inside its
 * transaction, and a Postgres backend waiting for COPY data holds off cancel interrupts, so
 * neither statement_timeout nor idle_in_transaction_session_timeout ends a COPY whose source went
 * quiet. Only the reader can notice, and its error aborts the COPY, which rolls the transaction
 * back and frees the loader's lock.
 *
 * The clock runs only while the consumer is asking for bytes: a COPY that holds the stream back
 * (the database is slow to take rows) is not the store stalling.
 */
export async function readWithStallTimeout(open: () => Promise<Readable>, stallMs: number): Promise<Readable> {
  const opening = open();
  let source: Readable;
  try {
    source = await within(opening, stallMs);
  } catch (error) {
    // Opened after all, too late: nothing will read it.
    opening.then((late) => late.destroy(), () => {});
    throw error;
  }
  return Readable.from(guarded(source, stallMs), { objectMode: false });
}

async function* guarded(source: Readable, stallMs: number): AsyncGenerator<Buffer> {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    for (;;) {
      const next = await within(chunks.next(), stallMs);
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    // Also ends the request behind a stalled stream (a read abandoned mid-way, or a consumer that failed).
    source.destroy();
  }
}

async function within<T>(promise: Promise<T>, stallMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(stalled(stallMs)), stallMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
