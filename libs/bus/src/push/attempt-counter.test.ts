import { describe, expect, it } from "vitest";
import { AttemptCounter } from "./attempt-counter.ts";

describe("AttemptCounter", () => {
  it("counts deliveries per subscription and message, and starts again once forgotten", () => {
    const counter = new AttemptCounter();
    expect([counter.next("s1", "m1"), counter.next("s1", "m1"), counter.next("s2", "m1"), counter.next("s1", "m2")]).toEqual([1, 2, 1, 1]);
    counter.forget("s1", "m1");
    expect(counter.next("s1", "m1")).toBe(1);
  });

  it("forgets the least recently delivered message when full", () => {
    const counter = new AttemptCounter(2);
    counter.next("s", "a");
    counter.next("s", "b");
    counter.next("s", "a");
    counter.next("s", "c");
    expect(counter.next("s", "a")).toBe(3);
    expect(counter.next("s", "b")).toBe(1);
  });
});
