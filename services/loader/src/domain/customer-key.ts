import { hash } from "node:crypto";
import type { CustomerRow } from "./customer-row.ts";

/**
 * Identity of a customer across exports: the normalized number when it is usable (so a number
 * that lost its leading zero is still the same customer), otherwise name + date joined.
 * The `name:` prefix keeps the two kinds apart: a name can never look like `+66…`.
 */
export function customerKey(row: Pick<CustomerRow, "phoneNormalized" | "customerName" | "dateJoined">): string {
  if (row.phoneNormalized !== null) return row.phoneNormalized;
  return `name:${row.customerName}|${row.dateJoined ?? ""}`;
}

const SEPARATOR = "\u001f";

/**
 * Hash of everything the export says about a customer, as stored. Equal hashes mean the row
 * needs no write; trailing spaces the loader trims away do not count as a change.
 */
export function rowHash(row: CustomerRow): string {
  const content = [
    row.store,
    row.customerName,
    row.contactNumber,
    row.address ?? "",
    row.email ?? "",
    row.dateOfBirth ?? "",
    row.dateJoined ?? "",
    row.availableCredit ?? "",
    row.availablePoint ?? "",
    row.source ?? "",
    String(row.smsPdpa),
    String(row.emailPdpa),
  ].join(SEPARATOR);
  return hash("md5", content);
}

/** A key safe to print in a dry-run sample: enough to recognise, not enough to call or name anyone. */
export function maskKey(key: string): string {
  if (key.startsWith("name:")) return `name:${key.slice(5, 6)}***`;
  if (key.length <= 6) return "***";
  return `${key.slice(0, 4)}${"*".repeat(key.length - 6)}${key.slice(-2)}`;
}
