import type { CustomerRow } from "./customer-row.ts";

const NAME_KEY_PREFIX = "name:";

/**
 * Identity of a customer across exports (DESIGN.md "Identity"): the contact number exactly as
 * exported, trimmed, when it is a usable number. The portal keys customers by that text, so
 * `690500363` and `0690500363` are two different customers in a good export (the real data
 * has such pairs); merging them by the normalized number would reject both rows of every pair.
 * Blank and placeholder numbers identify no one: those rows are keyed by name + date joined.
 * The `name:` prefix keeps the two kinds apart; a number typed as `name:…` (never seen, but
 * the text is free) is treated as unusable so that it cannot pose as a name key.
 */
export function customerKey(row: Pick<CustomerRow, "contactNumber" | "phoneNormalized" | "customerName" | "dateJoined">): string {
  const number = row.contactNumber.trim();
  if (row.phoneNormalized !== null && !number.startsWith(NAME_KEY_PREFIX)) return number;
  return `${NAME_KEY_PREFIX}${row.customerName}|${row.dateJoined ?? ""}`;
}

/** Whether `key` is a name + date joined key rather than a contact number. */
export function isNameKey(key: string): boolean {
  return key.startsWith(NAME_KEY_PREFIX);
}

/** A key safe to print in a dry-run sample: enough to recognise, not enough to call or name anyone. */
export function maskKey(key: string): string {
  if (key.startsWith(NAME_KEY_PREFIX)) return `${NAME_KEY_PREFIX}${key.slice(NAME_KEY_PREFIX.length, NAME_KEY_PREFIX.length + 1)}***`;
  if (key.length <= 6) return "***";
  return `${key.slice(0, 4)}${"*".repeat(key.length - 6)}${key.slice(-2)}`;
}
