import { describe, expect, it } from "vitest";
import { repeatAlternating } from "./repeat.ts";

function recorder(name: string, calls: string[]) {
  let n = 0;
  return async () => {
    calls.push(`${name}${++n}`);
    return n;
  };
}

describe("repeatAlternating", () => {
  it("alternates warm-ups, then timed runs, and keeps only the timed samples", async () => {
    const calls: string[] = [];
    const [a, b] = await repeatAlternating([{ warmups: 1, repetitions: 3 }, { warmups: 1, repetitions: 3 }], recorder("a", calls), recorder("b", calls));
    expect(calls).toEqual(["a1", "b1", "a2", "b2", "a3", "b3", "a4", "b4"]);
    expect(a).toEqual({ samples: [2, 3, 4], last: 4 });
    expect(b).toEqual({ samples: [2, 3, 4], last: 4 });
  });

  it("lets the one with fewer runs drop out once it has them", async () => {
    const calls: string[] = [];
    const [a, b] = await repeatAlternating([{ warmups: 1, repetitions: 3 }, { warmups: 0, repetitions: 2 }], recorder("a", calls), recorder("b", calls));
    expect(calls).toEqual(["a1", "a2", "b1", "a3", "b2", "a4"]);
    expect(a.samples).toEqual([2, 3, 4]);
    expect(b.samples).toEqual([1, 2]);
  });
});
