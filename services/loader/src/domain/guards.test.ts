import { describe, expect, it } from "vitest";
import { checkGuards, DEFAULT_GUARD_LIMITS } from "./guards.ts";

const healthy = { rows: 1000, rejected: 10, activeBefore: 1000, softDeleted: 100, allowMassDelete: false };

describe("checkGuards", () => {
  it("lets a load within the limits through", () => {
    expect(checkGuards(healthy, DEFAULT_GUARD_LIMITS)).toBeUndefined();
  });

  it.each([
    [{ rows: 0, rejected: 0 }, "EXPORT_EMPTY"],
    [{ rejected: 11 }, "REJECT_RATIO_EXCEEDED"],
    [{ softDeleted: 101 }, "MASS_DELETE_HELD"],
  ])("refuses %j with %s", (patch, code) => {
    expect(checkGuards({ ...healthy, ...patch }, DEFAULT_GUARD_LIMITS)?.code).toBe(code);
  });

  it("lets an approved mass delete through, and never holds a first load", () => {
    expect(checkGuards({ ...healthy, softDeleted: 900, allowMassDelete: true }, DEFAULT_GUARD_LIMITS)).toBeUndefined();
    expect(checkGuards({ ...healthy, activeBefore: 0, softDeleted: 0 }, DEFAULT_GUARD_LIMITS)).toBeUndefined();
  });

  it("honours custom limits", () => {
    expect(checkGuards({ ...healthy, rejected: 100 }, { maxRejectRatio: 0.2, maxDeleteRatio: 0.1 })).toBeUndefined();
  });
});
