import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { CSV_HEADER } from "@crm-sync/contracts";
import type { StagedCustomer } from "../domain/staged-customer.ts";
import { parseExport } from "./parse-export.ts";

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

  it("calls a file ending inside an open quote malformed, without quoting its content", async () => {
    const failure = await parseBytes(Buffer.from(`${CSV_HEADER}\n${goodRow}\n"LENGOLF","Secret Name`)).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "CSV_MALFORMED" });
    expect((failure as Error).message).not.toContain("Secret");
  });

  it("turns ragged and invalid records into counted rejects", async () => {
    const ragged = line(["LENGOLF", "Short Row", "0812345679"]);
    const badDate = line(["LENGOLF", "Bad Date", "0812345670", "", "", "", "32/01/2024", "0.00", "0.00", "Others", "No", "No"]);
    const { tally, rows } = await parseBytes(Buffer.from([CSV_HEADER, goodRow, ragged, badDate].join("\r\n")));
    expect(tally).toMatchObject({ rows: 3, invalid: 2, reasons: { "expected 12 fields, found 3": 1, "Date Joined is not a dd/mm/yyyy date": 1 } });
    expect(rows.map((r) => r.rejected)).toEqual([false, true, true]);
    expect(rows[2]).toMatchObject({ customerKey: "+66812345670", customerName: "Bad Date", dateJoined: null });
  });
});
