import { describe, expect, it } from "vitest";
import { repeat, repeatInterleaved } from "./repeat.ts";

function recorder(name: string, calls: string[]) {
  let n = 0;
  return async () => {
    calls.push(`${name}${++n}`);
    return n;
  };
}

describe("repeatInterleaved", () => {
  it("takes turns through the warm-ups, then the timed runs, and keeps only the timed samples", async () => {
    const calls: string[] = [];
    const plan = { warmups: 1, repetitions: 2 };
    const [a, b, c] = await repeatInterleaved([
      { plan, once: recorder("a", calls) },
      { plan, once: recorder("b", calls) },
      { plan, once: recorder("c", calls) },
    ]);
    expect(calls).toEqual(["a1", "b1", "c1", "a2", "b2", "c2", "a3", "b3", "c3"]);
    expect(a).toEqual({ samples: [2, 3], last: 3 });
    expect(b).toEqual({ samples: [2, 3], last: 3 });
    expect(c).toEqual({ samples: [2, 3], last: 3 });
  });

  it("lets one with fewer runs drop out once it has them", async () => {
    const calls: string[] = [];
    const [a, b] = await repeatInterleaved([
      { plan: { warmups: 1, repetitions: 3 }, once: recorder("a", calls) },
      { plan: { warmups: 0, repetitions: 2 }, once: recorder("b", calls) },
    ]);
    expect(calls).toEqual(["a1", "a2", "b1", "a3", "b2", "a4"]);
    expect(a?.samples).toEqual([2, 3, 4]);
    expect(b?.samples).toEqual([1, 2]);
  });

  it("refuses a plan without a timed run", async () => {
    await expect(repeatInterleaved([{ plan: { warmups: 1, repetitions: 0 }, once: async () => 1 }])).rejects.toThrow("at least one repetition");
  });
});

describe("repeat", () => {
  it("runs the warm-ups, then the timed runs", async () => {
    const calls: string[] = [];
    expect(await repeat({ warmups: 2, repetitions: 2 }, recorder("a", calls))).toEqual({ samples: [3, 4], last: 4 });
    expect(calls).toEqual(["a1", "a2", "a3", "a4"]);
  });
});
