/** The portal's export header, exactly. The loader and the scraper's completeness proof share it. */
export const CSV_COLUMNS = [
  "Store",
  "Customer",
  "Contact Number",
  "Address",
  "Email",
  "Date of Birth",
  "Date Joined",
  "Available Credit",
  "Available Point",
  "Source",
  "SMS PDPA",
  "Email PDPA",
] as const;

export const CSV_HEADER = CSV_COLUMNS.map((c) => `"${c}"`).join(",");
