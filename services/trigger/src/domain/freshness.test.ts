import { describe, expect, it } from "vitest";
import { computeFreshness } from "./freshness.ts";

const now = new Date("2026-11-27T04:00:00.000Z");
const staleAfterMs = 26 * 3_600_000;

describe("computeFreshness", () => {
  it("is fresh within the window and stale after it", () => {
    const fresh = computeFreshness({ lastSuccessAt: new Date("2026-11-26T02:00:01.000Z"), customerCount: 1000, now, staleAfterMs });
    expect(fresh).toEqual({ lastSuccessAt: "2026-11-26T02:00:01.000Z", ageSeconds: 93_599, customerCount: 1000, stale: false, staleAfterSeconds: 93_600 });
    const stale = computeFreshness({ lastSuccessAt: new Date("2026-11-26T01:59:59.000Z"), customerCount: 1000, now, staleAfterMs });
    expect(stale.stale).toBe(true);
  });

  it("is stale when no sync ever succeeded", () => {
    expect(computeFreshness({ lastSuccessAt: null, customerCount: 0, now, staleAfterMs })).toMatchObject({ lastSuccessAt: null, ageSeconds: null, stale: true });
  });
});
