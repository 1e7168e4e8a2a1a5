import type { LoadEntry, ProcessFloor } from "./results.ts";

/** What a run is compared on: work that does not depend on crm-sync's code. */
export interface HostSpeedFacts {
  startedAt: string;
  processFloorMs: ProcessFloor;
  /** The seed method's source, by hash: absent in runs from before it was recorded. */
  baselineSha256?: string | undefined;
  load: readonly LoadEntry[];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The seed method's median on loopback at `rows`, 1%-changed file. */
function seedMs(load: readonly LoadEntry[], rows: number): number | undefined {
  const entry = load.find((e) => e.status === "measured" && e.implementation === "baseline" && e.network === "loopback" && e.rows === rows);
  return entry?.status === "measured" ? entry.wallMs.median : undefined;
}

/**
 * How fast this host ran against the previous run of the same mode, judged by work crm-sync's
 * code does not touch: the connect-only process and the seed's method. Hosts of the same kind
 * differ by several times from day to day, and every figure in seconds (the targets too) moves
 * with them; so do the speed-ups where the loader's share is mostly its own CPU time.
 */
export function hostSpeedNote(previous: HostSpeedFacts | undefined, current: HostSpeedFacts): string | undefined {
  if (previous === undefined) return undefined;
  const when = previous.startedAt.slice(0, 16).replace("T", " ");
  const floorNow = current.processFloorMs.loopback.median;
  const floorThen = previous.processFloorMs.loopback.median;
  const parts = [`the connect-only process took ${seconds(floorNow)} against ${seconds(floorThen)} in the previous run (${when} UTC)`];
  const sizes = [...new Set(current.load.map((e) => e.rows))].sort((a, b) => b - a);
  const shared = sizes.find((rows) => seedMs(current.load, rows) !== undefined && seedMs(previous.load, rows) !== undefined);
  const sameSeed = previous.baselineSha256 !== undefined && previous.baselineSha256 === current.baselineSha256;
  if (shared !== undefined && !sameSeed) {
    parts.push("the seed's method changed since then (or that run did not record it), so its times are not compared");
  } else if (shared !== undefined) {
    parts.push(`the seed's method at ${shared.toLocaleString("en-US")} rows ${seconds(seedMs(current.load, shared) ?? 0)} against ${seconds(seedMs(previous.load, shared) ?? 0)}`);
  }
  const ratio = floorNow / floorThen;
  const verdict = ratio > 1.2 ? `this host ran about ${ratio.toFixed(1)}× slower` : ratio < 1 / 1.2 ? `this host ran about ${(1 / ratio).toFixed(1)}× faster` : "the hosts ran at about the same speed";
  return `Host speed: ${parts.join(", and ")}: ${verdict}.`;
}

