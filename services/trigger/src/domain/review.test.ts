import { describe, expect, it } from "vitest";
import { changedFields } from "./changed-fields.ts";
import { maskPhone } from "./mask-phone.ts";
import { phoneSearchCore } from "./phone-search.ts";

describe("phone search", () => {
  it("finds one number however it is typed: with or without the leading 0, dashes, spaces or the country code", () => {
    for (const typed of ["0812345678", "812345678", "081-234-5678", "081 234 5678", "+66 81 234 5678", "66812345678", "0066812345678"]) {
      expect(phoneSearchCore(typed), typed).toBe("812345678");
    }
  });

  it("searches by name when the text is not a number, or too short to be one", () => {
    expect(phoneSearchCore("Member 12")).toBeUndefined();
    expect(phoneSearchCore("สมชาย")).toBeUndefined();
    expect(phoneSearchCore("012")).toBeUndefined();
  });
});

describe("maskPhone", () => {
  it("keeps the last three digits only", () => {
    expect(maskPhone("081-234-5678")).toBe("•••••••678");
    expect(maskPhone("12345")).toBe("•••");
  });
});

describe("changedFields", () => {
  it("lists only the fields an update changed", () => {
    expect(changedFields({ customer_name: "A", available_point: 1, email: null }, { customer_name: "A", available_point: 7, email: null })).toEqual([
      { field: "available_point", before: 1, after: 7 },
    ]);
  });

  it("lists what an insert set, and only deleted_at for a removal", () => {
    expect(changedFields(null, { customer_name: "A", email: null }).map((c) => c.field)).toEqual(["customer_name"]);
    expect(changedFields({ customer_name: "A", deleted_at: null }, { deleted_at: "2026-12-06T00:00:00Z" })).toEqual([
      { field: "deleted_at", before: null, after: "2026-12-06T00:00:00Z" },
    ]);
  });
});
