import { describe, expect, it } from "vitest";
import { parseDuration } from "./duration.ts";

describe("parseDuration", () => {
  it("parses units and rejects junk", () => {
    expect(["26h", "90m", "30s", "500ms", "2d", "1.5h"].map(parseDuration)).toEqual([93_600_000, 5_400_000, 30_000, 500, 172_800_000, 5_400_000]);
    expect(["", "26", "h", "-1h", "1y", "26 h"].map(parseDuration)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});
