import { describe, expect, it } from "vitest";
import { RepeatedKeys } from "./repeated-keys.ts";

describe("RepeatedKeys", () => {
  it("says maybe for every key met before, however many keys came between", () => {
    const keys = new RepeatedKeys();
    const numbers = Array.from({ length: 50_000 }, (_, i) => `08${String(i * 7919).padStart(8, "0")}`);
    for (const number of numbers) keys.add(number);
    expect(numbers.filter((number) => !keys.add(number))).toEqual([]);
    expect(keys.add("name:Somsri Example|2022-05-30")).toBe(false);
    expect(keys.add("name:Somsri Example|2022-05-30")).toBe(true);
  });

  it("says no for nearly every new key (false maybes stay rare at 100k keys)", () => {
    const keys = new RepeatedKeys();
    let maybes = 0;
    for (let i = 0; i < 100_000; i++) if (keys.add(`06${String(i * 104_729).padStart(8, "0")}`)) maybes++;
    // Expected about 0.02% (20); the SQL recount makes a false maybe cost time, never a wrong result.
    expect(maybes).toBeLessThan(100);
  });
});
