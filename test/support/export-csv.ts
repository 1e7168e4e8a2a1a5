import { createHash } from "node:crypto";
import { CSV_HEADER } from "@crm-sync/contracts";

/** One customer as the portal exports it: every field is text. Synthetic values only. */
export interface ExportRow {
  store?: string;
  name: string;
  phone: string;
  address?: string;
  email?: string;
  birth?: string;
  joined: string;
  credit?: string;
  points?: string;
  source?: string;
  sms?: string;
  emailPdpa?: string;
}

const quoted = (value: string) => `"${value.replaceAll('"', '""')}"`;

export function exportLine(row: ExportRow): string {
  return [
    row.store ?? "LENGOLF",
    row.name,
    row.phone,
    row.address ?? "",
    row.email ?? "",
    row.birth ?? "",
    row.joined,
    row.credit ?? "0.00",
    row.points ?? "0.00",
    row.source ?? "Walk In",
    row.sms ?? "No",
    row.emailPdpa ?? "No",
  ]
    .map(quoted)
    .join(",");
}

/** The portal's format: BOM, every field quoted, LF between records, no final newline. */
export function exportCsv(rows: readonly ExportRow[]): Buffer {
  return Buffer.from(`\uFEFF${[CSV_HEADER, ...rows.map(exportLine)].join("\n")}`);
}

/** `count` plain, valid customers whose numbers start at `08<offset>`. */
export function plainCustomers(count: number, offset = 0): ExportRow[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `Member ${offset + i} Example`,
    phone: `08${String(10_000_000 + offset + i).padStart(8, "0")}`,
    joined: `${String((i % 28) + 1).padStart(2, "0")}/0${(i % 9) + 1}/2022`,
  }));
}

export const sha256Of = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
