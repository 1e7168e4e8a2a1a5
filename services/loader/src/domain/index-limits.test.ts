import { describe, expect, it } from "vitest";
import { RepeatedKeys } from "./repeated-keys.ts";
import { MAX_KEY_BYTES, MAX_NAME_BYTES } from "./index-limits.ts";
import { stageCustomer } from "./staged-customer.ts";

const row = (name: string, number: string) => ["LENGOLF", name, number, "", "", "", "30/05/2022", "0.00", "0.00", "Others", "No", "No"];
const stage = (name: string, number: string) => stageCustomer(row(name, number), 7, new RepeatedKeys());

describe("index limits", () => {
  it("counts a name's limit in UTF-8 bytes, not characters", () => {
    // 333 CJK characters are 999 bytes; one more is over, though far under the 4,000-character field limit.
    expect(stage("漢".repeat(Math.floor(MAX_NAME_BYTES / 3)), "").ok).toBe(true);
    expect(stage("漢".repeat(Math.floor(MAX_NAME_BYTES / 3) + 1), "")).toMatchObject({ ok: false, problems: [{ column: "Customer", code: "TOO_LONG_FOR_INDEX" }] });
    // Four bytes an emoji (two UTF-16 units).
    expect(stage("😀".repeat(MAX_NAME_BYTES / 4), "0812345678").ok).toBe(true);
    expect(stage("😀".repeat(MAX_NAME_BYTES / 4 + 1), "0812345678").ok).toBe(false);
  });

  it("rejects a usable number whose text is too long to be a key, naming the column", () => {
    const wide = `0812345678${"Ｗ".repeat(1200)}`;
    const result = stage("Wide Number", wide);
    expect(result).toMatchObject({ ok: false, problems: [{ column: "Contact Number", code: "TOO_LONG_FOR_INDEX" }] });
    // Staged as rejected with the identity it carries, so the customer it names is not soft-deleted.
    expect(result.customer).toMatchObject({ rejected: true, rowNo: 7, customerKey: wide, customerName: "Wide Number" });
    expect(JSON.stringify(result.ok ? [] : result.problems)).not.toContain("Wide");
  });

  it("rejects a normalized number too long for its index even when the key is a name", () => {
    // `00` makes it an international number, normalized to `+` and its digits; the text is not a key (`name:`).
    const number = `name:00${"1".repeat(MAX_KEY_BYTES)}`;
    expect(stage("Foreign Digits", number)).toMatchObject({ ok: false, problems: [{ column: "Contact Number", code: "TOO_LONG_FOR_INDEX" }] });
    expect(stage("Foreign Digits", `+1${"2".repeat(MAX_KEY_BYTES - 2)}`).ok).toBe(true);
  });

  it("loads a long unusable number: it is stored but neither keyed nor indexed", () => {
    expect(stage("Long Placeholder", "Ｗ".repeat(1200))).toMatchObject({ ok: true, customer: { customerKey: "name:Long Placeholder|2022-05-30", phoneNormalized: null } });
  });

  it("gives a name within its limit a key within the key limit", () => {
    const name = "ก".repeat(Math.floor(MAX_NAME_BYTES / 3));
    const result = stage(name, "");
    expect(result.ok).toBe(true);
    expect(Buffer.byteLength(result.customer.customerKey)).toBeLessThanOrEqual(MAX_KEY_BYTES);
  });
});

describe("index limits on a row invalid for another reason", () => {
  it("names the overlong name beside the other problems, once", () => {
    const fields = row("漢".repeat(400), "0812345678");
    fields[6] = "31/02/2022";
    expect(stageCustomer(fields, 1, new RepeatedKeys())).toMatchObject({
      ok: false,
      problems: [
        { column: "Date Joined", code: "NOT_A_DATE" },
        { column: "Customer", code: "TOO_LONG_FOR_INDEX" },
      ],
    });
    const overCharacters = row("x".repeat(4001), "0812345678");
    expect(stageCustomer(overCharacters, 1, new RepeatedKeys())).toMatchObject({ ok: false, problems: [{ column: "Customer", code: "FIELD_TOO_LONG" }] });
  });
});
