/**
 * One customer exactly as the portal exports it: every field is the text the CSV carries,
 * quirks included (trailing spaces, lost leading zeros, blanks), never a cleaned value.
 */
export interface CustomerRecord {
  store: string;
  customer: string;
  contactNumber: string;
  address: string;
  email: string;
  /** dd/mm/yyyy or blank. */
  dateOfBirth: string;
  /** dd/mm/yyyy. */
  dateJoined: string;
  /** Two decimals, e.g. "5650.00". */
  availableCredit: string;
  /** Two decimals, e.g. "4392.21". */
  availablePoint: string;
  source: CustomerSource;
  smsPdpa: "Yes" | "No";
  emailPdpa: "Yes" | "No";
}

export const CUSTOMER_SOURCES = ["Others", "Walk In", "Digital", "N.A."] as const;
export type CustomerSource = (typeof CUSTOMER_SOURCES)[number];

/** Record keys in export column order (matches CSV_COLUMNS in @crm-sync/contracts). */
export const RECORD_KEYS = [
  "store",
  "customer",
  "contactNumber",
  "address",
  "email",
  "dateOfBirth",
  "dateJoined",
  "availableCredit",
  "availablePoint",
  "source",
  "smsPdpa",
  "emailPdpa",
] as const satisfies readonly (keyof CustomerRecord)[];
