import { describe, expect, it } from "vitest";
import { isoDate, parseCustomerRow } from "./customer-row.ts";

const good = ["LENGOLF", "Somsri Example  ", "812345678", "12 Moo 3\nBangkok 10110", "", "28/05/1979", "30/05/2022", "0.00", "4392.21", "Walk In", "Yes", "No"];

function withField(index: number, value: string): string[] {
  return good.map((field, i) => (i === index ? value : field));
}

describe("parseCustomerRow", () => {
  it("normalizes an exported record", () => {
    expect(parseCustomerRow(good)).toEqual({
      ok: true,
      row: {
        store: "LENGOLF",
        customerName: "Somsri Example",
        contactNumber: "812345678",
        address: "12 Moo 3\nBangkok 10110",
        email: null,
        dateOfBirth: "1979-05-28",
        dateJoined: "2022-05-30",
        availableCredit: "0.00",
        availablePoint: "4392.21",
        source: "Walk In",
        smsPdpa: true,
        emailPdpa: false,
        phoneNormalized: "+66812345678",
      },
    });
  });

  it("accepts blank optional fields as null", () => {
    const result = parseCustomerRow(["LENGOLF", "A", "", "", "", "", "", "", "", "", "", ""]);
    expect(result.ok && result.row).toMatchObject({ contactNumber: "", dateJoined: null, source: null, smsPdpa: null, phoneNormalized: null });
  });

  it.each([
    [5, "31/02/1990", "Date of Birth", "NOT_A_DATE"],
    [6, "2022-05-30", "Date Joined", "NOT_A_DATE"],
    [7, "12.345", "Available Credit", "NOT_AN_AMOUNT"],
    [8, "lots", "Available Point", "NOT_AN_AMOUNT"],
    [8, "1234567890123.00", "Available Point", "NOT_AN_AMOUNT"],
    [9, "Facebook", "Source", "UNKNOWN_SOURCE"],
    [10, "Maybe", "SMS PDPA", "NOT_YES_NO"],
  ])("rejects column %i value %j with its column and code, not the value", (index, value, column, code) => {
    const result = parseCustomerRow(withField(index, value));
    expect(result).toEqual({ ok: false, problems: [{ column, code }] });
    expect(JSON.stringify(result)).not.toContain(value);
  });

  it("names every column a row breaks", () => {
    const result = parseCustomerRow(["LENGOLF", " ", "0812345678", "", "", "1/1/99", "x", "1", "1", "Others", "No", "Perhaps"]);
    expect(result).toEqual({
      ok: false,
      problems: [
        { column: "Customer", code: "BLANK" },
        { column: "Date of Birth", code: "NOT_A_DATE" },
        { column: "Date Joined", code: "NOT_A_DATE" },
        { column: "Email PDPA", code: "NOT_YES_NO" },
      ],
    });
  });

  it("rejects every near miss of a field's rule, whichever way the record is checked", () => {
    const nearMisses: Array<[number, string, string]> = [
      [0, " \t", "Store"],
      [5, "1/2/22", "Date of Birth"],
      [5, "31/02/2022", "Date of Birth"],
      [6, "01/02/2022x", "Date Joined"],
      [7, "1,2345", "Available Credit"],
      [7, "1.234", "Available Credit"],
      [8, "12,34", "Available Point"],
      [9, "n.a.", "Source"],
      [9, " Walk In", "Source"],
      [10, "yes", "SMS PDPA"],
      [11, "No ", "Email PDPA"],
    ];
    for (const [index, value, column] of nearMisses) {
      const result = parseCustomerRow(withField(index, value));
      expect(result.ok ? [] : result.problems.map((problem) => problem.column), `${column}: ${JSON.stringify(value)}`).toEqual([column]);
    }
    const padded = parseCustomerRow(withField(7, " 1,234.5 "));
    expect(padded.ok && padded.row.availableCredit).toBe("1234.5");
    const shortDate = parseCustomerRow(withField(5, " 1/2/2022 "));
    expect(shortDate.ok && shortDate.row.dateOfBirth).toBe("2022-02-01");
  });

  it("rejects the largest amounts numeric(14, 2) cannot hold, and accepts the largest it can", () => {
    expect(parseCustomerRow(withField(7, "-999,999,999,999.99"))).toMatchObject({ ok: true, row: { availableCredit: "-999999999999.99" } });
    expect(parseCustomerRow(withField(7, "1,000,000,000,000.00")).ok).toBe(false);
    expect(parseCustomerRow(withField(7, "1e300")).ok).toBe(false);
    expect(parseCustomerRow(withField(7, "9".repeat(400))).ok).toBe(false);
  });

  it("knows which days exist", () => {
    expect(parseCustomerRow(withField(5, "29/02/2024")).ok).toBe(true);
    expect(parseCustomerRow(withField(5, "29/02/2023")).ok).toBe(false);
    expect(parseCustomerRow(withField(5, "1/3/2024"))).toMatchObject({ ok: true, row: { dateOfBirth: "2024-03-01" } });
    expect(parseCustomerRow(withField(5, "00/03/2024")).ok).toBe(false);
    expect(parseCustomerRow(withField(5, "01/13/2024")).ok).toBe(false);
  });

  it("accepts thousands separators and rejects NUL characters", () => {
    expect(parseCustomerRow(withField(7, "1,234,567.50"))).toMatchObject({ ok: true, row: { availableCredit: "1234567.50" } });
    expect(parseCustomerRow(withField(3, "12 Moo\u00003"))).toEqual({ ok: false, problems: [{ column: "Address", code: "NUL_CHARACTER" }] });
  });

  it("rejects a field longer than 4000 characters, naming the column only", () => {
    expect(parseCustomerRow(withField(3, "x".repeat(4000))).ok).toBe(true);
    expect(parseCustomerRow(withField(3, "x".repeat(4001)))).toEqual({ ok: false, problems: [{ column: "Address", code: "FIELD_TOO_LONG" }] });
  });

  it("rejects a record without a customer name", () => {
    expect(parseCustomerRow(withField(1, "   "))).toEqual({ ok: false, problems: [{ column: "Customer", code: "BLANK" }] });
  });

  it("rejects a ragged record", () => {
    expect(parseCustomerRow(good.slice(0, 11))).toEqual({ ok: false, problems: [{ column: null, code: "WRONG_FIELD_COUNT" }] });
    expect(parseCustomerRow([...good, "extra"])).toEqual({ ok: false, problems: [{ column: null, code: "WRONG_FIELD_COUNT" }] });
  });
});

describe("isoDate", () => {
  it.each([
    ["30/05/2022", "2022-05-30"],
    ["1/3/2024", "2024-03-01"],
    ["  9/11/1999 ", "1999-11-09"],
    ["29/02/2024", "2024-02-29"],
    ["29/02/2000", "2000-02-29"],
  ])("turns %j into %j", (text, iso) => {
    expect(isoDate(text)).toBe(iso);
  });

  it.each(["", "   "])("reads %j as no date", (text) => {
    expect(isoDate(text)).toBeNull();
  });

  it.each(["29/02/2023", "29/02/1900", "31/04/2020", "0/1/2020", "1/13/2020", "1/1/1899", "1/2/2020/5", "2022-05-30", "1/1/20", "x/1/2020"])(
    "refuses %j",
    (text) => {
      expect(isoDate(text)).toBeUndefined();
    },
  );
});
