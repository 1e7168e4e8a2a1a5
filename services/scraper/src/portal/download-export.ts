import type { Download } from "playwright";
import { SyncError } from "@crm-sync/errors";

/** Saves a download once it is complete; a broken-off transfer is an incomplete export. */
export async function saveDownload(download: Download, path: string): Promise<void> {
  try {
    await download.saveAs(path);
  } catch (error) {
    throw new SyncError("EXPORT_INCOMPLETE", "The export download broke off before it finished.", { cause: error });
  }
  const failure = await download.failure();
  if (failure !== null) throw new SyncError("EXPORT_INCOMPLETE", "The export download broke off before it finished.", { cause: new Error(failure) });
}

/**
 * Bounds a multi-step wait (download event, then the bytes) by one deadline: each Playwright
 * wait inside gets only what is left of it.
 */
export async function withDeadline(totalMs: number, what: string, work: (remainingMs: () => number) => Promise<void>): Promise<void> {
  const deadline = Date.now() + totalMs;
  const remainingMs = () => Math.max(1, deadline - Date.now());
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} did not finish within ${totalMs} ms`), { name: "TimeoutError" })), totalMs);
  });
  try {
    await Promise.race([work(remainingMs), expired]);
  } finally {
    clearTimeout(timer);
  }
}
