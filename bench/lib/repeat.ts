import { summarize, type Summary } from "./stats.ts";

export interface RepeatPlan {
  warmups: number;
  repetitions: number;
}

/**
 * Runs `once` warm-up times untimed (caches, JIT, the OS page cache), then `repetitions` times,
 * and keeps the samples of the timed runs. The last timed run's detail is returned too.
 */
export async function repeat<T>(plan: RepeatPlan, once: () => Promise<T>): Promise<Repeated<T>> {
  for (let i = 0; i < plan.warmups; i++) await once();
  const samples: T[] = [];
  for (let i = 0; i < plan.repetitions; i++) samples.push(await once());
  const last = samples.at(-1);
  if (last === undefined) throw new Error("at least one repetition is needed");
  return { samples, last };
}

export function summarizeBy<T>(samples: readonly T[], pick: (sample: T) => number): Summary {
  return summarize(samples.map(pick));
}

export interface Repeated<T> {
  samples: T[];
  last: T;
}

/**
 * `repeat` for two measurements that are compared with each other: their runs alternate (first,
 * second, first, …; warm-ups too), so a spell in which the machine runs slower (other work on a
 * shared host) slows both alike rather than whichever happened to run then.
 */
export async function repeatAlternating<A, B>(plans: readonly [RepeatPlan, RepeatPlan], first: () => Promise<A>, second: () => Promise<B>): Promise<[Repeated<A>, Repeated<B>]> {
  const [planA, planB] = plans;
  for (let i = 0; i < Math.max(planA.warmups, planB.warmups); i++) {
    if (i < planA.warmups) await first();
    if (i < planB.warmups) await second();
  }
  const samplesA: A[] = [];
  const samplesB: B[] = [];
  for (let i = 0; i < Math.max(planA.repetitions, planB.repetitions); i++) {
    if (i < planA.repetitions) samplesA.push(await first());
    if (i < planB.repetitions) samplesB.push(await second());
  }
  const lastA = samplesA.at(-1);
  const lastB = samplesB.at(-1);
  if (lastA === undefined || lastB === undefined) throw new Error("at least one repetition of each is needed");
  return [
    { samples: samplesA, last: lastA },
    { samples: samplesB, last: lastB },
  ];
}
