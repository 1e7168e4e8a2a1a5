import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CSV_HEADER } from "@crm-sync/contracts";
import { SyncError } from "@crm-sync/errors";
import { verifyExport } from "./verify-export.ts";

const BOM = "\uFEFF";

function record(i: number): string {
  const fields = [
    "Example Golf Club",
    `Member ${i} `,
    `08${String(10_000_000 + i)}`,
    `${i} Example Road,\nLine "two"`,
    `member${i}@example.com`,
    "01/02/1990",
    "03/04/2024",
    "0.00",
    "12.50",
    "Walk In",
    "Yes",
    "No",
  ];
  return fields.map((f) => `"${f.replaceAll('"', '""')}"`).join(",");
}

function exportText(rows: number): string {
  return BOM + [CSV_HEADER, ...Array.from({ length: rows }, (_, i) => record(i + 1))].join("\n");
}

/** Splits into small odd-sized chunks so the header and records straddle chunk borders. */
async function* chunked(text: string, size = 7): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, "utf8");
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function failure(text: string, portalTotal?: number): Promise<SyncError> {
  const error = await verifyExport(chunked(text), { portalTotal }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SyncError);
  return error as SyncError;
}

describe("verifyExport", () => {
  it("accepts a complete export and reports its rows, bytes and sha256", async () => {
    const text = exportText(25);
    const result = await verifyExport(chunked(text), { portalTotal: 25 });
    const bytes = Buffer.from(text, "utf8");
    expect(result).toEqual({ rows: 25, bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") });
  });

  it("accepts an export when the portal showed no total", async () => {
    expect((await verifyExport(chunked(exportText(3)))).rows).toBe(3);
  });

  it("refuses fewer rows than the portal's total", async () => {
    const error = await failure(exportText(9), 10);
    expect(error.code).toBe("EXPORT_INCOMPLETE");
    expect(error.message).toContain("9");
    expect(error.message).toContain("10");
  });

  it("refuses a download cut off inside a quoted field", async () => {
    const text = exportText(5);
    expect((await failure(text.slice(0, text.length - 20), 5)).code).toBe("EXPORT_INCOMPLETE");
  });

  it("refuses a download cut off between fields", async () => {
    const text = exportText(5);
    const lastRecord = text.lastIndexOf('"Example Golf Club"');
    const cut = text.slice(0, text.indexOf('","', lastRecord + 20) + 2);
    expect((await failure(cut)).code).toBe("EXPORT_INCOMPLETE");
  });

  it("refuses a header-only export and a zero-byte file as empty", async () => {
    expect((await failure(BOM + CSV_HEADER, 0)).code).toBe("EXPORT_EMPTY");
    expect((await failure("")).code).toBe("EXPORT_EMPTY");
  });

  it("refuses a renamed column and names it without showing row data", async () => {
    const drifted = exportText(3).replace('"Contact Number"', '"Phone"');
    const error = await failure(drifted, 3);
    expect(error.code).toBe("CSV_HEADER_MISMATCH");
    expect(error.message).toContain("Contact Number");
  });

  it("refuses an export without the byte order mark", async () => {
    expect((await failure(exportText(3).slice(1), 3)).code).toBe("CSV_HEADER_MISMATCH");
  });

  it("never puts customer values in the message when the header line is missing", async () => {
    const headless = BOM + [record(1), record(2)].join("\n");
    const error = await failure(headless);
    expect(error.code).toBe("CSV_HEADER_MISMATCH");
    expect(error.message).not.toContain("Member");
    expect(error.message).not.toContain("example.com");
  });

  it("counts a quoted line break inside an address as part of one record", async () => {
    const result = await verifyExport(chunked(exportText(4), 3), { portalTotal: 4 });
    expect(result.rows).toBe(4);
  });
});
