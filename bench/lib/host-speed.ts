import type { LoadEntry, ProcessFloor } from "./results.ts";
import { summarize } from "./stats.ts";

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

/** A time ratio (now over then) in words. */
function pace(ratio: number): string {
  if (ratio >= 1.05) return `${ratio.toFixed(2)}× slower`;
  if (ratio <= 1 / 1.05) return `${(1 / ratio).toFixed(2)}× faster`;
  return "about the same";
}

/** Ratios this far apart (largest over smallest) mean the host's speed changed during the run. */
const SPREAD = 1.25;

/**
 * How fast this host ran against the previous run of the same mode, judged by work crm-sync's
 * code does not touch: the connect-only process (timed once, at the start) and the seed's
 * method at every size both runs timed (each timed in turn with the loader at that size). Hosts
 * of the same kind differ by several times from day to day, and within a run: every figure in
 * seconds (the targets too) moves with them. Where the seed's method changed by different
 * amounts at different sizes, the loader's figures at each size moved with the seed's there.
 */
export function hostSpeedNote(previous: HostSpeedFacts | undefined, current: HostSpeedFacts): string | undefined {
  if (previous === undefined) return undefined;
  const when = previous.startedAt.slice(0, 16).replace("T", " ");
  const floorNow = current.processFloorMs.loopback.median;
  const floorThen = previous.processFloorMs.loopback.median;
  const ratios = [floorNow / floorThen];
  const parts = [`the connect-only process took ${seconds(floorNow)} against ${seconds(floorThen)} in the previous run (${when} UTC)`];
  const sizes = [...new Set(current.load.map((e) => e.rows))].sort((a, b) => a - b);
  const seeds = sizes.flatMap((rows) => {
    const now = seedMs(current.load, rows);
    const then = seedMs(previous.load, rows);
    return now === undefined || then === undefined ? [] : [{ rows, now, then }];
  });
  const sameSeed = previous.baselineSha256 !== undefined && previous.baselineSha256 === current.baselineSha256;
  if (seeds.length > 0 && !sameSeed) {
    parts.push("the seed's method changed since then (or that run did not record it), so its times are not compared");
  } else if (seeds.length > 0) {
    const times = seeds.map(({ rows, now, then }) => `${seconds(now)} against ${seconds(then)} at ${rows.toLocaleString("en-US")} rows (${pace(now / then)})`);
    parts.push(`the seed's method ${times.join(", ")}`);
    ratios.push(...seeds.map(({ now, then }) => now / then));
  }
  const { median, min, max } = summarize(ratios);
  const verdict = median > 1.2 || median < 1 / 1.2 ? `this host ran about ${pace(median)}` : "the hosts ran at about the same speed";
  const spread = max / min > SPREAD ? ", but not evenly: its speed changed during the run, and the loader's figures at each size moved with the seed's there" : "";
  return `Host speed: ${parts.join(", and ")}: ${verdict}${spread}.`;
}
