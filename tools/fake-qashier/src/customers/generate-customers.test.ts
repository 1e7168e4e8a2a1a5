import { describe, expect, it } from "vitest";
import { CUSTOMER_SOURCES, type CustomerRecord } from "./customer-record.ts";
import { generateCustomers } from "./generate-customers.ts";

const rows = [...generateCustomers({ seed: 42, count: 20_000 })];
const phones = rows.map((r) => r.contactNumber);

/** The loader's idea of a usable key, written independently here: national 0XXXXXXXXX. */
function nationalKey(phone: string): string | undefined {
  let digits = phone.replace(/^\+/, "");
  if (digits.startsWith("00")) digits = digits.slice(2);
  if (digits.startsWith("66") && digits.length === 11) digits = `0${digits.slice(2)}`;
  if (/^[689]\d{8}$/.test(digits)) digits = `0${digits}`;
  return /^0[689]\d{8}$/.test(digits) ? digits : undefined;
}

function isValidDate(text: string): boolean {
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (match === null) return false;
  const [, dd, mm, yyyy] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(yyyy, mm - 1, dd));
  return date.getUTCDate() === dd && date.getUTCMonth() === mm - 1 && yyyy >= 1900 && yyyy <= 2026;
}

describe("generateCustomers", () => {
  it("gives the same rows for the same seed and different rows for another seed", () => {
    const again = [...generateCustomers({ seed: 42, count: 500 })];
    expect(again).toEqual(rows.slice(0, 500));
    const other = [...generateCustomers({ seed: 43, count: 500 })];
    expect(other).not.toEqual(again);
  });

  it("changes the points of exactly the requested share of customers and nothing else", () => {
    const changed = [...generateCustomers({ seed: 42, count: 20_000, changeRatio: 0.01 })];
    const differing = changed.filter((row, i) => JSON.stringify(row) !== JSON.stringify(rows[i]));
    expect(differing).toHaveLength(200);
    expect(differing.every((row) => rows.some((r) => r.contactNumber === row.contactNumber && r.availablePoint !== row.availablePoint))).toBe(true);
    expect([...generateCustomers({ seed: 42, count: 500, changeRatio: 0 })]).toEqual(rows.slice(0, 500));
    expect([...generateCustomers({ seed: 42, count: 500, changeRatio: 1 })].every((row, i) => row.availablePoint !== rows[i]?.availablePoint)).toBe(true);
  });

  it("yields exactly the requested count, including none", () => {
    expect([...generateCustomers({ seed: 1, count: 0 })]).toEqual([]);
    expect([...generateCustomers({ seed: 1, count: 7 })]).toHaveLength(7);
  });

  it("has mostly (at least 95%) unique usable phone keys", () => {
    const keys = phones.map(nationalKey).filter((k) => k !== undefined);
    expect(new Set(keys).size / rows.length).toBeGreaterThanOrEqual(0.95);
  });

  it("reproduces the phone quirks of the real export", () => {
    const phoneSet = new Set(phones);
    expect(phones.some((p) => /^[689]\d{8}$/.test(p)), "lost leading zero").toBe(true);
    expect(phones.some((p) => /^[689]\d{8}$/.test(p) && phoneSet.has(`0${p}`)), "same number with and without 0").toBe(true);
    for (const placeholder of ["0", "123", "0000000"]) expect(phoneSet.has(placeholder), placeholder).toBe(true);
    expect(phones.some((p) => /^66[689]\d{8}$/.test(p)), "66 prefix").toBe(true);
    expect(phones.some((p) => /^\+66[689]\d{8}$/.test(p)), "+66 prefix").toBe(true);
    expect(phones.some((p) => /^0066[689]\d{8}$/.test(p)), "00 prefix").toBe(true);
    expect(phoneSet.has(""), "blank").toBe(true);
  });

  it("mixes Thai and English names with duplicates and trailing spaces", () => {
    const names = rows.map((r) => r.customer);
    expect(names.some((n) => /[\u0E00-\u0E7F]/.test(n))).toBe(true);
    expect(names.some((n) => /^[A-Z][a-z-]+ /.test(n))).toBe(true);
    expect(names.some((n) => n !== n.trimEnd())).toBe(true);
    expect(new Set(names).size).toBeLessThan(names.length);
    expect(names.every((n) => n.trim().length > 0)).toBe(true);
  });

  it("writes addresses with commas, quotes and line breaks, and only example e-mail domains", () => {
    const addresses = rows.map((r) => r.address);
    expect(addresses.some((a) => a.includes(","))).toBe(true);
    expect(addresses.some((a) => a.includes('"'))).toBe(true);
    expect(addresses.some((a) => a.includes("\n"))).toBe(true);
    expect(addresses.some((a) => a === "")).toBe(true);
    const emails = rows.map((r) => r.email).filter((e) => e !== "");
    expect(emails.length).toBeGreaterThan(0);
    expect(emails.every((e) => /^[a-z0-9]+@([a-z]+\.)?example\.(com|net|org|test)$/.test(e))).toBe(true);
  });

  it("formats dates, amounts, sources and PDPA flags like the portal", () => {
    const check = (r: CustomerRecord) =>
      isValidDate(r.dateJoined) &&
      (r.dateOfBirth === "" || isValidDate(r.dateOfBirth)) &&
      /^\d+\.\d{2}$/.test(r.availableCredit) &&
      /^\d+\.\d{2}$/.test(r.availablePoint) &&
      ["Yes", "No"].includes(r.smsPdpa) &&
      ["Yes", "No"].includes(r.emailPdpa) &&
      r.store === "LENGOLF";
    expect(rows.filter((r) => !check(r))).toEqual([]);
    expect(new Set(rows.map((r) => r.source))).toEqual(new Set(CUSTOMER_SOURCES));
    expect(rows.some((r) => r.dateOfBirth === "")).toBe(true);
    expect(rows.some((r) => r.availablePoint !== "0.00" && !r.availablePoint.endsWith(".00"))).toBe(true);
  });

  it("lists customers in no particular order", () => {
    const keys = phones.slice(0, 200).map(nationalKey).filter((k) => k !== undefined);
    expect(keys).not.toEqual([...keys].sort());
    const joined = rows.slice(0, 200).map((r) => r.dateJoined.split("/").reverse().join(""));
    expect(joined).not.toEqual([...joined].sort());
  });
});
