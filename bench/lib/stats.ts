import type { Summary } from "./results.ts";

export type { Summary };

/** Median and spread (min, max) of the timed repetitions. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error("no measurements");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted.at(-1) as number, runs: sorted.length };
}
