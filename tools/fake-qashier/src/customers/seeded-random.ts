import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/** The few draws the generator needs, over one seeded stream so a seed always yields the same rows. */
export interface SeededRandom {
  int(from: number, to: number): number;
  /** True with the given probability (0..1), in steps of 1/10,000. */
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  weighted<T>(choices: readonly (readonly [T, number])[]): T;
}

export function seededRandom(seed: number): SeededRandom {
  const rng = xoroshiro128plus(seed | 0);
  const int = (from: number, to: number) => uniformInt(rng, from, to);
  return {
    int,
    chance: (probability) => int(0, 9_999) < probability * 10_000,
    pick: (items) => {
      const item = items[int(0, items.length - 1)];
      if (item === undefined) throw new Error("pick from an empty list");
      return item;
    },
    weighted: (choices) => {
      const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
      let roll = int(0, total - 1);
      for (const [value, weight] of choices) {
        if (roll < weight) return value;
        roll -= weight;
      }
      throw new Error("weighted pick from an empty list");
    },
  };
}
