import { describe, expect, it } from "vitest";
import { LISTED_REJECTS, RejectTally } from "./reject-reason.ts";

describe("RejectTally", () => {
  it("counts every problem by column and code but lists only the first ones, in row order", () => {
    const tally = new RejectTally();
    for (let row = 1; row <= LISTED_REJECTS + 50; row++) tally.add(row, { column: "Date Joined", code: "NOT_A_DATE" });
    tally.add(500, { column: null, code: "WRONG_FIELD_COUNT" });
    const report = tally.report();
    expect(report.reasons).toEqual([
      { column: "Date Joined", code: "NOT_A_DATE", count: LISTED_REJECTS + 50 },
      { column: null, code: "WRONG_FIELD_COUNT", count: 1 },
    ]);
    expect(report.rows).toHaveLength(LISTED_REJECTS);
    expect(report.rows.at(-1)).toEqual({ row: LISTED_REJECTS, column: "Date Joined", code: "NOT_A_DATE" });
  });

  it("merges the parse's rejects with the duplicate keys found later, keeping row order", () => {
    const merged = new RejectTally();
    merged.merge({ reasons: [{ column: "Source", code: "UNKNOWN_SOURCE", count: 1 }], rows: [{ row: 9, column: "Source", code: "UNKNOWN_SOURCE" }] });
    merged.merge({
      reasons: [{ column: "Contact Number", code: "DUPLICATE_KEY", count: 2 }],
      rows: [
        { row: 3, column: "Contact Number", code: "DUPLICATE_KEY" },
        { row: 12, column: "Contact Number", code: "DUPLICATE_KEY" },
      ],
    });
    expect(merged.report().rows.map((r) => r.row)).toEqual([3, 9, 12]);
    expect(merged.report().reasons.map((r) => r.count)).toEqual([1, 2]);
  });
});
