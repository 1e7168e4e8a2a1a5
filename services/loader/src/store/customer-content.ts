/** The exported content of a customer row: the columns the old queries read, as the export gives them. */
export const CONTENT_COLUMNS = [
  "store",
  "customer_name",
  "contact_number",
  "address",
  "email",
  "date_of_birth",
  "date_joined",
  "available_credit",
  "available_point",
  "source",
  "sms_pdpa",
  "email_pdpa",
] as const;

/** A row's content columns, qualified by `alias`, in CONTENT_COLUMNS order. */
export function contentColumns(alias: string): string {
  return CONTENT_COLUMNS.map((column) => `${alias}.${column}`).join(", ");
}

/** A row's exported content as jsonb, for the change log. */
export function contentJson(alias: string): string {
  return `jsonb_build_object(${CONTENT_COLUMNS.map((column) => `'${column}', ${alias}.${column}`).join(", ")})`;
}

/**
 * Whether two rows' content differs, compared as stored values in SQL (null-safe). The server
 * compares them while it joins the export to the table: hashing each row in the loader instead
 * cost a fifth of its parse work, and an amount exported as `1,234.5` one day and `1234.50` the next
 * is the same value, not a change.
 */
export function contentDiffers(left: string, right: string): string {
  return `(${contentColumns(left)}) is distinct from (${contentColumns(right)})`;
}

/** `row_hash` of a written row: md5 of its content as the change log records it (jsonb text does not depend on session settings). */
export function contentHash(alias: string): string {
  return `md5(${contentJson(alias)}::text)`;
}
