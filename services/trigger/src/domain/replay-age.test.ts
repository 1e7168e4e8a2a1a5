import { describe, expect, it } from "vitest";
import { replayAge, type ExportFacts } from "./replay-age.ts";

const sha256 = "a".repeat(64);
const facts = (name: string, generation: string, createdAt: string): ExportFacts => ({ name, generation, createdAt });
const loaded = facts("exports/customers/2026/12/05/run-b.csv", "1764900000000002", "2026-12-05T02:00:00.000Z");
const lastLoaded = { object: { bucket: "b", name: loaded.name, generation: loaded.generation, sha256, bytes: 10 }, facts: loaded };

describe("replayAge", () => {
  it("treats the export the last successful run loaded as the latest", () => {
    expect(replayAge(loaded, lastLoaded)).toBe("latest-or-newer");
  });

  it("treats an export the store created after the last loaded one as newer", () => {
    expect(replayAge(facts("exports/customers/2026/12/06/run-c.csv", "1764990000000003", "2026-12-06T02:00:00.000Z"), lastLoaded)).toBe("latest-or-newer");
  });

  it("treats an export created before the last loaded one, or at the same instant, as older", () => {
    expect(replayAge(facts("exports/customers/2026/12/04/run-a.csv", "1764800000000001", "2026-12-04T02:00:00.000Z"), lastLoaded)).toBe("older");
    expect(replayAge(facts("exports/customers/2026/12/05/run-x.csv", "1764900000000009", loaded.createdAt), lastLoaded)).toBe("older");
  });

  it("counts a replay as older when the last loaded export is gone or a date is unreadable", () => {
    const later = facts("exports/customers/2026/12/06/run-c.csv", "1764990000000003", "2026-12-06T02:00:00.000Z");
    expect(replayAge(later, { object: lastLoaded.object, facts: undefined })).toBe("older");
    expect(replayAge({ ...later, createdAt: "" }, lastLoaded)).toBe("older");
  });

  it("lets any export through when no run has loaded one yet (nothing newer to undo)", () => {
    expect(replayAge(loaded, undefined)).toBe("latest-or-newer");
  });

  it("does not take a same-named object of another generation for the one loaded", () => {
    const recreated = facts(loaded.name, "1764800000000000", "2026-12-04T00:00:00.000Z");
    expect(replayAge(recreated, lastLoaded)).toBe("older");
  });
});
