import { describe, expect, it } from "vitest";
import { customerKey, maskKey } from "./customer-key.ts";
import { parseCustomerRow, type CustomerRow } from "./customer-row.ts";

function row(fields: string[]): CustomerRow {
  const result = parseCustomerRow(fields);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.row;
}

const base = ["LENGOLF", "Pim Example", "0812345678", "", "", "", "02/07/2023", "0.00", "10.00", "Others", "No", "No"];
const patched = (index: number, value: string) => row(base.map((field, i) => (i === index ? value : field)));

describe("customerKey", () => {
  it("uses the exported number text, trimmed, so a number with and without its leading 0 are two customers", () => {
    expect(customerKey(row(base))).toBe("0812345678");
    expect(customerKey(patched(2, "812345678"))).toBe("812345678");
    expect(customerKey(patched(2, " 0812345678  "))).toBe("0812345678");
    expect(customerKey(patched(2, "+66 81 234 5678"))).toBe("+66 81 234 5678");
    expect(customerKey(patched(2, "66941952642"))).toBe("66941952642");
  });

  it("falls back to name and date joined for placeholders, blanks and unreadable numbers", () => {
    expect(customerKey(patched(2, "0000000"))).toBe("name:Pim Example|2023-07-02");
    expect(customerKey(patched(2, "0"))).toBe("name:Pim Example|2023-07-02");
    expect(customerKey(patched(2, ""))).toBe("name:Pim Example|2023-07-02");
    expect(customerKey(patched(2, "n/a"))).toBe("name:Pim Example|2023-07-02");
    expect(customerKey(patched(6, ""))).toBe("0812345678");
    expect(customerKey({ ...patched(2, ""), dateJoined: null })).toBe("name:Pim Example|");
  });

  it("never lets a number's text pose as a name key", () => {
    expect(customerKey(patched(2, "name:Pim Example|2023-07-02"))).toBe("name:Pim Example|2023-07-02");
    expect(customerKey({ ...patched(2, "name:0812345678"), customerName: "Other" })).toBe("name:Other|2023-07-02");
  });

  it("keeps the normalized number for matching, not for identity", () => {
    expect(patched(2, "812345678").phoneNormalized).toBe(row(base).phoneNormalized);
    expect(customerKey(patched(2, "812345678"))).not.toBe(customerKey(row(base)));
  });
});

describe("maskKey", () => {
  it("hides most of a number and all but the initial of a name", () => {
    expect(maskKey("+66812345678")).toBe("+668******78");
    expect(maskKey("0812345678")).toBe("0812****78");
    expect(maskKey("name:Pim Example|2023-07-02")).toBe("name:P***");
  });
});
