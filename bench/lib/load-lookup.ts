import type { LoadEntry } from "./results.ts";

export type MeasuredLoad = Extract<LoadEntry, { status: "measured" }>;

export function measuredLoads(entries: readonly LoadEntry[]): MeasuredLoad[] {
  return entries.filter((entry): entry is MeasuredLoad => entry.status === "measured");
}

/** The seed baseline timed on the same server, network and size as `loader`, into the same kind of table (empty for a first load). */
export function baselineFor(entries: readonly LoadEntry[], loader: Pick<LoadEntry, "database" | "network" | "rows" | "start">): LoadEntry | undefined {
  return entries.find(
    (e) => e.implementation === "baseline" && e.database === loader.database && e.network === loader.network && e.rows === loader.rows && e.start === loader.start,
  );
}

/** Baseline median time over ours: how many times faster the loader is. */
export function speedUp(entries: readonly LoadEntry[], loader: MeasuredLoad): number | undefined {
  const baseline = baselineFor(entries, loader);
  return baseline?.status === "measured" ? baseline.wallMs.median / loader.wallMs.median : undefined;
}

/** The entry for `key`; a key without `start` means the table holding the base export. */
export function findLoad(
  entries: readonly LoadEntry[],
  key: Pick<LoadEntry, "implementation" | "database" | "network" | "rows" | "changeRatio"> & { start?: LoadEntry["start"] },
): MeasuredLoad | undefined {
  const start = key.start ?? "loaded";
  return measuredLoads(entries).find(
    (e) => e.implementation === key.implementation && e.database === key.database && e.network === key.network && e.rows === key.rows && e.changeRatio === key.changeRatio && e.start === start,
  );
}
