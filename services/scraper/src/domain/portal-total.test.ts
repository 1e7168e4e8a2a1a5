import { describe, expect, it } from "vitest";
import { parsePortalTotal } from "./portal-total.ts";

describe("parsePortalTotal", () => {
  it.each([
    ["Total: 1,234 customers", 1234],
    ["Total: 0 customers", 0],
    ["Total: 1 customer", 1],
    ["Total: 1,000,000 customers", 1_000_000],
    ["  total:  987 customers  ", 987],
    ["Total: 12.345 customers", 12345],
    ["Total 5,001", 5001],
  ])("reads %j as %d", (text, total) => {
    expect(parsePortalTotal(text)).toBe(total);
  });

  it("returns undefined when the text shows no total", () => {
    expect(parsePortalTotal("Customer Management")).toBeUndefined();
    expect(parsePortalTotal("Total: customers")).toBeUndefined();
  });
});
