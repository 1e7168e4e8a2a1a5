import { describe, expect, it } from "vitest";
import { artifactObjectName, exportObjectName } from "./object-names.ts";

describe("object names", () => {
  it("files the export under the UTC date of the request", () => {
    // 02:00 in Bangkok on the 27th is still the 26th in UTC.
    expect(exportObjectName("run-42", new Date("2026-11-27T02:00:00+07:00"))).toBe("exports/customers/2026/11/26/run-42.csv");
    expect(exportObjectName("msg-1", new Date("2027-01-05T00:00:00.000Z"))).toBe("exports/customers/2027/01/05/msg-1.csv");
  });

  it("keeps artifacts of each attempt apart under the run", () => {
    expect(artifactObjectName("run-42", 2, "screenshot.png")).toBe("artifacts/run-42/attempt-2/screenshot.png");
  });
});
