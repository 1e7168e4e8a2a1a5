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

  it("names the commonest reject reasons in a refusal, by column and code only", () => {
    const refusal = checkGuards(
      {
        ...healthy,
        rejected: 40,
        rejectReasons: [
          { column: "Date Joined", code: "NOT_A_DATE", count: 3 },
          { column: "Customer", code: "TOO_LONG_FOR_INDEX", count: 1 },
          { column: null, code: "WRONG_FIELD_COUNT", count: 30 },
          { column: "Contact Number", code: "DUPLICATE_KEY", count: 6 },
        ],
      },
      DEFAULT_GUARD_LIMITS,
    );
    expect(refusal?.message).toBe(
      "40 of 1000 rows were invalid or had duplicate keys, more than the allowed 1%. Most often: the record WRONG_FIELD_COUNT (30), Contact Number DUPLICATE_KEY (6), Date Joined NOT_A_DATE (3).",
    );
  });
});
