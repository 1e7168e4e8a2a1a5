import type { LoadEntry } from "./results.ts";

export type MeasuredLoad = Extract<LoadEntry, { status: "measured" }>;

export function measuredLoads(entries: readonly LoadEntry[]): MeasuredLoad[] {
  return entries.filter((entry): entry is MeasuredLoad => entry.status === "measured");
}

/** The seed baseline timed on the same server, network and size as `loader`. */
export function baselineFor(entries: readonly LoadEntry[], loader: Pick<LoadEntry, "database" | "network" | "rows">): LoadEntry | undefined {
  return entries.find((e) => e.implementation === "baseline" && e.database === loader.database && e.network === loader.network && e.rows === loader.rows);
}

/** Baseline median time over ours: how many times faster the loader is. */
export function speedUp(entries: readonly LoadEntry[], loader: MeasuredLoad): number | undefined {
  const baseline = baselineFor(entries, loader);
  return baseline?.status === "measured" ? baseline.wallMs.median / loader.wallMs.median : undefined;
}

export function findLoad(entries: readonly LoadEntry[], key: Pick<LoadEntry, "implementation" | "database" | "network" | "rows" | "changeRatio">): MeasuredLoad | undefined {
  return measuredLoads(entries).find(
    (e) => e.implementation === key.implementation && e.database === key.database && e.network === key.network && e.rows === key.rows && e.changeRatio === key.changeRatio,
  );
}
