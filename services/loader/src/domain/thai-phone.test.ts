import { describe, expect, it } from "vitest";
import { normalizeThaiPhone } from "./thai-phone.ts";

describe("normalizeThaiPhone", () => {
  const mobile = { normalized: "+66812345678", national: "0812345678", placeholder: false };
  it.each([
    ["0812345678", mobile],
    ["812345678", mobile],
    ["0066812345678", mobile],
    ["66812345678", mobile],
    ["+66812345678", mobile],
    ["+66 81 234 5678", mobile],
    ["+66 (0) 81 234 5678", mobile],
    ["081-234-5678", mobile],
    [" 081 234 5678 ", mobile],
    ["661234567", { normalized: "+66661234567", national: "0661234567", placeholder: false }],
    ["66941952642", { normalized: "+66941952642", national: "0941952642", placeholder: false }],
    ["021234567", { normalized: "+6621234567", national: "021234567", placeholder: false }],
    ["21234567", { normalized: "+6621234567", national: "021234567", placeholder: false }],
    ["02-123-4567", { normalized: "+6621234567", national: "021234567", placeholder: false }],
    ["+44 20 7946 0958", { normalized: "+442079460958", national: null, placeholder: false }],
    ["0044 20 7946 0958", { normalized: "+442079460958", national: null, placeholder: false }],
    ["0", { normalized: null, national: null, placeholder: true }],
    ["123", { normalized: null, national: null, placeholder: true }],
    ["1234", { normalized: null, national: null, placeholder: true }],
    ["0000000", { normalized: null, national: null, placeholder: true }],
    ["1234567", { normalized: null, national: null, placeholder: true }],
    ["0000000000", { normalized: null, national: null, placeholder: true }],
    ["", { normalized: null, national: null, placeholder: false }],
    ["   ", { normalized: null, national: null, placeholder: false }],
    ["n/a", { normalized: null, national: null, placeholder: false }],
    ["123456789012", { normalized: null, national: null, placeholder: false }],
  ])("reads %j", (text, expected) => {
    expect(normalizeThaiPhone(text)).toEqual({ raw: text, ...expected });
  });

  it("keeps the exported text untouched, leading zeros and spaces included", () => {
    expect(normalizeThaiPhone(" 0812345678").raw).toBe(" 0812345678");
  });

  it("gives a number with and without its leading zero the same normalized form", () => {
    expect(normalizeThaiPhone("690500363").normalized).toBe(normalizeThaiPhone("0690500363").normalized);
  });
});
