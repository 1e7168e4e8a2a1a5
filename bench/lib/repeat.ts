import { summarize, type Summary } from "./stats.ts";

export interface RepeatPlan {
  warmups: number;
  repetitions: number;
}

/**
 * Runs `once` warm-up times untimed (caches, JIT, the OS page cache), then `repetitions` times,
 * and keeps the samples of the timed runs. The last timed run's detail is returned too.
 */
export async function repeat<T>(plan: RepeatPlan, once: () => Promise<T>): Promise<{ samples: T[]; last: T }> {
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
