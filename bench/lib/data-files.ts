import { createWriteStream } from "node:fs";
import { mkdir, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { customerCsvStream } from "@crm-sync/fake-qashier";

/** One seed for every input file, so a base export and its changed twin describe the same customers. */
export const DATA_SEED = 20_261_126;

export interface ExportFile {
  path: string;
  rows: number;
  changeRatio: number;
  bytes: number;
}

/**
 * The portal export of `rows` synthetic customers with `changeRatio` of them changed since the
 * base export (ratio 0 is the base export itself). Files are cached by name: generating a
 * million rows takes longer than loading them, and the bytes never differ for the same name.
 */
export async function exportFile(dir: string, rows: number, changeRatio: number): Promise<ExportFile> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `customers-${DATA_SEED}-${rows}-changed-${changeRatio}.csv`);
  const existing = await stat(path).catch(() => undefined);
  if (existing !== undefined) return { path, rows, changeRatio, bytes: existing.size };
  // Written under a temporary name first, so an interrupted run never leaves a short file cached.
  const partial = `${path}.${process.pid}.partial`;
  await pipeline(customerCsvStream({ seed: DATA_SEED, count: rows, changeRatio }), createWriteStream(partial));
  await rename(partial, path);
  return { path, rows, changeRatio, bytes: (await stat(path)).size };
}
