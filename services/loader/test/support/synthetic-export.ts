import { CSV_HEADER } from "@crm-sync/contracts";

/** One exported customer as the portal writes it (all fields text). Synthetic values only. */
export interface ExportedCustomer {
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

export function syntheticCustomer(index: number): ExportedCustomer {
  return {
    name: `Member ${index} Example`,
    phone: `08${String(10_000_000 + index).padStart(8, "0")}`,
    address: index % 7 === 0 ? `${index} Moo 1\nBangkok 10110` : "",
    email: index % 5 === 0 ? `member${index}@example.com` : "",
    birth: "",
    joined: `${String((index % 28) + 1).padStart(2, "0")}/0${(index % 9) + 1}/2022`,
    credit: "0.00",
    points: `${index % 1000}.50`,
    source: "Walk In",
    sms: index % 2 === 0 ? "Yes" : "No",
    emailPdpa: "No",
  };
}

function quoted(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

export function exportLine(c: ExportedCustomer): string {
  return [
    "LENGOLF",
    c.name,
    c.phone,
    c.address ?? "",
    c.email ?? "",
    c.birth ?? "",
    c.joined,
    c.credit ?? "0.00",
    c.points ?? "0.00",
    c.source ?? "Others",
    c.sms ?? "No",
    c.emailPdpa ?? "No",
  ]
    .map(quoted)
    .join(",");
}

/** The portal's format: BOM, every field quoted, CRLF-free LF lines, no final newline. */
export function exportCsv(customers: readonly ExportedCustomer[]): Buffer {
  return Buffer.from(`\uFEFF${[CSV_HEADER, ...customers.map(exportLine)].join("\n")}`);
}
