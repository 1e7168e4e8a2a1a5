import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { CSV_HEADER } from "@crm-sync/contracts";
import type { StagedCustomer } from "../domain/staged-customer.ts";
import { MAX_RECORD_BYTES, parseExport } from "./parse-export.ts";

const SAMPLE = readFileSync(new URL("../../../../test/fixtures/customer-management-sample.csv", import.meta.url));

async function parseBytes(bytes: Buffer, expectedSha256?: string) {
  const rows: StagedCustomer[] = [];
  const tally = await parseExport(
    Readable.from([bytes]),
    async (batches) => {
      for await (const batch of batches) rows.push(...batch);
    },
    { batchSize: 7, ...(expectedSha256 === undefined ? {} : { expectedSha256 }) },
  );
  return { tally, rows };
}

const line = (fields: string[]) => fields.map((f) => `"${f}"`).join(",");
const goodRow = line(["LENGOLF", "Test Person", "0812345678", "", "", "", "01/01/2024", "0.00", "0.00", "Others", "No", "No"]);

describe("parseExport", () => {
  it("reads the portal sample: BOM, quoted fields, line breaks inside an address, no final newline", async () => {
    const sha256 = createHash("sha256").update(SAMPLE).digest("hex");
    const { tally, rows } = await parseBytes(SAMPLE, sha256);
    expect(tally).toMatchObject({ rows: 30, invalid: 0, sha256, bytes: SAMPLE.length });
    expect(rows).toHaveLength(30);
    expect(rows.map((r) => r.rowNo)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(rows.find((r) => r.address?.includes("\n"))).toBeDefined();
  });

  it("refuses bytes that do not match the recorded sha256", async () => {
    await expect(parseBytes(SAMPLE, "0".repeat(64))).rejects.toMatchObject({ code: "EXPORT_INCOMPLETE" });
  });

  it.each([
    ["a renamed column", CSV_HEADER.replace('"Customer"', '"Customer Name"')],
    ["a missing column", CSV_HEADER.replace(',"Email PDPA"', "")],
    ["an extra column", `${CSV_HEADER},"Notes"`],
    ["reordered columns", CSV_HEADER.replace('"Store","Customer"', '"Customer","Store"')],
  ])("refuses a header with %s", async (_what, header) => {
    await expect(parseBytes(Buffer.from(`${header}\n${goodRow}`))).rejects.toMatchObject({ code: "CSV_HEADER_MISMATCH" });
  });

  it("calls an empty file empty and counts a header-only file as zero rows", async () => {
    await expect(parseBytes(Buffer.from(""))).rejects.toMatchObject({ code: "EXPORT_EMPTY" });
    await expect(parseBytes(Buffer.from("\uFEFF"))).rejects.toMatchObject({ code: "EXPORT_EMPTY" });
    expect((await parseBytes(Buffer.from(`\uFEFF${CSV_HEADER}`))).tally.rows).toBe(0);
  });

  it("calls a file cut inside an open quote incomplete, without quoting its content", async () => {
    const failure = await parseBytes(Buffer.from(`${CSV_HEADER}\n${goodRow}\n"LENGOLF","Secret Name`)).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "EXPORT_INCOMPLETE" });
    expect((failure as Error).message).not.toContain("Secret");
  });

  it("calls a file whose last record is short incomplete: it was cut at a field boundary", async () => {
    const cut = `${CSV_HEADER}\n${goodRow}\n${goodRow}\n"LENGOLF","Cut Person","0812345679"`;
    await expect(parseBytes(Buffer.from(cut))).rejects.toMatchObject({ code: "EXPORT_INCOMPLETE" });
  });

  it("calls a stray quote inside a field malformed", async () => {
    const stray = line(["LENGOLF", 'Bad "Nick', "0812345679", "", "", "", "01/01/2024", "0.00", "0.00", "Others", "No", "No"]);
    await expect(parseBytes(Buffer.from([CSV_HEADER, stray, goodRow].join("\n")))).rejects.toMatchObject({ code: "CSV_MALFORMED" });
  });

  it("reports a parse failure by code, line, record and column, never by the field's text", async () => {
    // Unquoted with a stray quote: csv-parse's own message would say `value is "Quincey Stray "`.
    const unquoted = `"LENGOLF",Quincey Stray "Q" Vandermeer,"0812345679","","","","01/01/2024","0.00","0.00","Others","No","No"`;
    const failure = await parseBytes(Buffer.from([CSV_HEADER, goodRow, unquoted].join("\n"))).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "CSV_MALFORMED", message: "The export is not valid CSV (INVALID_OPENING_QUOTE at line 3, record 2, column 2 (Customer))." });
    expect((failure as Error).cause).toBeUndefined();
    expect(JSON.stringify(failure) + String((failure as Error).stack)).not.toMatch(/Quincey|Vandermeer/);
  });

  it("calls a CSV error malformed even when the parser's failure reaches a still-open source", async () => {
    const stray = line(["LENGOLF", 'Bad "Nick', "0812345679", "", "", "", "01/01/2024", "0.00", "0.00", "Others", "No", "No"]);
    // A file or GCS stream is still being read when the parser fails; pipeline() destroys it
    // with the parser's error, which must not turn into a (retryable) storage failure.
    async function* lazyFile() {
      yield Buffer.from(`${CSV_HEADER}\n${stray}\n`);
      for (;;) yield Buffer.from(`${goodRow}\n`);
    }
    const failure = await parseExport(Readable.from(lazyFile()), async (batches) => {
      for await (const _batch of batches);
    }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "CSV_MALFORMED", message: "The export is not valid CSV (CSV_INVALID_CLOSING_QUOTE at line 2, record 1, column 2 (Customer))." });
  });

  it("refuses bytes that are not UTF-8 instead of loading replacement characters", async () => {
    const [head, tail] = [Buffer.from(`${CSV_HEADER}\n${goodRow}\n"LENGOLF","`), Buffer.from(`","0812345679","","","","01/01/2024","0.00","0.00","Others","No","No"`)];
    // "สมศรี" as Windows-874 (TIS-620) bytes: a file saved in the old Thai code page.
    const windows874 = Buffer.from([0xca, 0xc1, 0xc8, 0xc3, 0xd5]);
    await expect(parseBytes(Buffer.concat([head, windows874, tail]))).rejects.toMatchObject({ code: "CSV_MALFORMED", message: expect.stringContaining("UTF-8") });
  });

  it("reads a character split across two chunks, and calls a file cut inside a character incomplete", async () => {
    const thaiRow = line(["LENGOLF", "สมศรี ชัยศรี", "0812345679", "", "", "", "01/01/2024", "0.00", "0.00", "Others", "No", "No"]);
    const bytes = Buffer.from(`${CSV_HEADER}\n${thaiRow}`);
    const middleOfCharacter = bytes.indexOf(Buffer.from("ม")) + 1;
    const rows: StagedCustomer[] = [];
    const chunks = [bytes.subarray(0, middleOfCharacter), bytes.subarray(middleOfCharacter)];
    await parseExport(Readable.from(chunks), async (batches) => {
      for await (const batch of batches) rows.push(...batch);
    });
    expect(rows[0]).toMatchObject({ customerName: "สมศรี ชัยศรี", rejected: false });
    await expect(parseBytes(bytes.subarray(0, middleOfCharacter))).rejects.toMatchObject({ code: "EXPORT_INCOMPLETE" });
  });

  it("refuses a record over 1 MiB before holding it in memory", async () => {
    const huge = line(["LENGOLF", "Big Address", "0812345679", "x".repeat(MAX_RECORD_BYTES + 1), "", "", "01/01/2024", "0.00", "0.00", "Others", "No", "No"]);
    await expect(parseBytes(Buffer.from([CSV_HEADER, goodRow, huge, goodRow].join("\n")))).rejects.toMatchObject({ code: "CSV_MALFORMED" });
  });

  it("skips blank lines and a final newline instead of counting them as rows", async () => {
    const { tally } = await parseBytes(Buffer.from(`${CSV_HEADER}\n${goodRow}\n\n${goodRow.replace("0812345678", "0812345679")}\n\n`));
    expect(tally).toMatchObject({ rows: 2, invalid: 0 });
  });

  it("turns ragged and invalid records into counted rejects", async () => {
    const ragged = line(["LENGOLF", "Short Row", "0812345679"]);
    const badDate = line(["LENGOLF", "Bad Date", " 812345670 ", "", "", "", "32/01/2024", "0.00", "0.00", "Others", "No", "No"]);
    const { tally, rows } = await parseBytes(Buffer.from([CSV_HEADER, goodRow, ragged, badDate].join("\r\n")));
    expect(tally).toMatchObject({
      rows: 3,
      invalid: 2,
      rejects: {
        reasons: [
          { column: null, code: "WRONG_FIELD_COUNT", count: 1 },
          { column: "Date Joined", code: "NOT_A_DATE", count: 1 },
        ],
        rows: [
          { row: 2, column: null, code: "WRONG_FIELD_COUNT" },
          { row: 3, column: "Date Joined", code: "NOT_A_DATE" },
        ],
      },
    });
    expect(rows.map((r) => r.rejected)).toEqual([false, true, true]);
    // A rejected row keeps the identity it seems to carry: its number as exported, trimmed.
    expect(rows[2]).toMatchObject({ customerKey: "812345670", phoneNormalized: "+66812345670", customerName: "Bad Date", dateJoined: null });
  });
});
