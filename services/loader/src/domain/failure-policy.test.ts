import { describe, expect, it } from "vitest";
import { decideFailure } from "./failure-policy.ts";

describe("decideFailure", () => {
  it("reports a permanent failure at once and acknowledges it", () => {
    expect(decideFailure(false, 1, 5)).toEqual({ reportFailed: true, outcome: "ack" });
  });

  it("retries a transient failure quietly until the last attempt", () => {
    expect(decideFailure(true, 4, 5)).toEqual({ reportFailed: false, outcome: "retry" });
    expect(decideFailure(true, 5, 5)).toEqual({ reportFailed: true, outcome: "ack" });
  });
});
