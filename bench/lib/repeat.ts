import { summarize, type Summary } from "./stats.ts";

export interface RepeatPlan {
  warmups: number;
  repetitions: number;
}

export interface Repeated<T> {
  samples: T[];
  last: T;
}

/** One measurement to repeat: how often, and one run of it. */
export interface Measurement<T> {
  plan: RepeatPlan;
  once: () => Promise<T>;
}

/**
 * Runs every measurement's warm-ups untimed (caches, JIT, the OS page cache), then its timed
 * runs, keeping the samples of the timed runs and the last one's detail. Measurements that are
 * read side by side take turns, one run each (a, b, c, a, b, c, …; warm-ups too), so a spell in
 * which the shared machine runs slower slows them alike rather than whichever ran then; one
 * with fewer runs drops out once it has them.
 */
export async function repeatInterleaved<T>(measurements: readonly Measurement<T>[]): Promise<Repeated<T>[]> {
  const rounds = (runs: (plan: RepeatPlan) => number) => Math.max(0, ...measurements.map((m) => runs(m.plan)));
  for (let round = 0; round < rounds((plan) => plan.warmups); round++) {
    for (const { plan, once } of measurements) if (round < plan.warmups) await once();
  }
  const samples = measurements.map((): T[] => []);
  for (let round = 0; round < rounds((plan) => plan.repetitions); round++) {
    for (const [i, { plan, once }] of measurements.entries()) if (round < plan.repetitions) samples[i]?.push(await once());
  }
  return samples.map((timed) => {
    const last = timed.at(-1);
    if (last === undefined) throw new Error("at least one repetition is needed");
    return { samples: timed, last };
  });
}

/** One measurement on its own: its warm-ups, then its timed runs. */
export async function repeat<T>(plan: RepeatPlan, once: () => Promise<T>): Promise<Repeated<T>> {
  const [repeated] = await repeatInterleaved([{ plan, once }]);
  if (repeated === undefined) throw new Error("unreachable: one measurement gives one result");
  return repeated;
}

export function summarizeBy<T>(samples: readonly T[], pick: (sample: T) => number): Summary {
  return summarize(samples.map(pick));
}
