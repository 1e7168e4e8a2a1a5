import { readFile } from "node:fs/promises";
import { PassThrough } from "node:stream";
import { buffer } from "node:stream/consumers";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, CSV_HEADER } from "@crm-sync/contracts";
import { RECORD_KEYS, type CustomerRecord } from "../customers/customer-record.ts";
import { generateCustomers } from "../customers/generate-customers.ts";
import { customerCsvStream, writeCustomerCsv } from "./customer-csv.ts";

const BOM = "\uFEFF";
const SAMPLE = new URL("../../test/fixtures/customer-management-sample.csv", import.meta.url);

/** The format rules spelled out by hand, as an oracle independent of csv-stringify. */
function expectedExport(records: readonly CustomerRecord[]): string {
  const quote = (field: string) => `"${field.replaceAll('"', '""')}"`;
  const lines = records.map((r) => RECORD_KEYS.map((key) => quote(r[key])).join(","));
  return [BOM + CSV_HEADER, ...lines].join("\n");
}

async function exportText(options: Parameters<typeof customerCsvStream>[0]): Promise<string> {
  return (await buffer(customerCsvStream(options))).toString("utf8");
}

describe("customer CSV export", () => {
  it("has a BOM, the exact header, every field quoted, \\n line ends and no final newline", async () => {
    const records = [...generateCustomers({ seed: 7, count: 300 })];
    const text = await exportText({ seed: 7, count: 300 });

    expect(text).toBe(expectedExport(records));
    expect(text.startsWith(`${BOM}${CSV_HEADER}\n"`)).toBe(true);
    expect(text.endsWith("\n")).toBe(false);
    expect(text.includes("\r")).toBe(false);
  });

  it("parses back with csv-parse into the same records", async () => {
    const records = [...generateCustomers({ seed: 7, count: 300 })];
    const parsed = parse(await exportText({ seed: 7, count: 300 }), { bom: true, columns: true }) as Record<string, string>[];

    expect(parsed).toHaveLength(300);
    expect(Object.keys(parsed[0] ?? {})).toEqual([...CSV_COLUMNS]);
    expect(parsed.map((row) => CSV_COLUMNS.map((c) => row[c]))).toEqual(records.map((r) => RECORD_KEYS.map((k) => r[k])));
  });

  it("writes the shared sample file back byte for byte", async () => {
    const sample = await readFile(SAMPLE);
    const rows = parse(sample, { bom: true, from_line: 2 }) as string[][];
    const records = rows.map((row) => Object.fromEntries(RECORD_KEYS.map((key, i) => [key, row[i]])) as unknown as CustomerRecord);
    const sink = new PassThrough();
    const written = buffer(sink);

    await writeCustomerCsv(records, sink);

    expect((await written).equals(sample)).toBe(true);
  });

  it("exports only the header when there are no customers", async () => {
    await expect(exportText({ seed: 7, count: 0 })).resolves.toBe(BOM + CSV_HEADER);
  });

  it("renames Contact Number to Phone when the header drifts", async () => {
    const text = await exportText({ seed: 7, count: 5, flaw: "header-drift" });
    const header = text.slice(1, text.indexOf("\n"));
    expect(header).toBe(CSV_HEADER.replace('"Contact Number"', '"Phone"'));
  });

  it("cuts a truncated export in the middle of a row, after fewer rows than the total", async () => {
    const full = await exportText({ seed: 7, count: 100 });
    const truncated = await exportText({ seed: 7, count: 100, flaw: "truncated" });

    expect(full.startsWith(truncated)).toBe(true);
    expect(truncated.length).toBeLessThan(full.length);
    expect(full[truncated.length]).not.toBe("\n");
    expect(() => parse(truncated, { bom: true, columns: true })).toThrow();
    const complete = parse(truncated.slice(0, truncated.lastIndexOf('\n"LENGOLF"')), { bom: true, columns: true });
    expect(complete).toHaveLength(50);
  });
});
