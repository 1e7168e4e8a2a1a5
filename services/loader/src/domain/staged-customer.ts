import { customerKey, rowHash } from "./customer-key.ts";
import { isoDate, parseCustomerRow, type CustomerRow } from "./customer-row.ts";
import { normalizeThaiPhone } from "./thai-phone.ts";

/** An exported row for the staging table: valid, or rejected but still naming a customer. */
export interface StagedCustomer extends CustomerRow {
  /** 1-based position among the file's data records. */
  rowNo: number;
  customerKey: string;
  rowHash: string;
  /**
   * A rejected row is staged too, with the identity it seems to carry, so that a customer is
   * never soft-deleted only because this export's row for them was invalid.
   */
  rejected: boolean;
}

export type StageResult = { ok: true; customer: StagedCustomer } | { ok: false; reason: string; customer: StagedCustomer };

export function stageCustomer(fields: readonly string[], rowNo: number): StageResult {
  const parsed = parseCustomerRow(fields);
  if (!parsed.ok) return { ok: false, reason: parsed.reason, customer: rejectedIdentity(fields, rowNo) };
  const row = parsed.row;
  return { ok: true, customer: { ...row, rowNo, customerKey: customerKey(row), rowHash: rowHash(row), rejected: false } };
}

function rejectedIdentity(fields: readonly string[], rowNo: number): StagedCustomer {
  // Only what identifies the customer is kept, without NULs (Postgres text cannot hold them).
  const customerName = (fields[1] ?? "").replaceAll("\u0000", "").trim();
  const contactNumber = (fields[2] ?? "").replaceAll("\u0000", "");
  const phoneNormalized = normalizeThaiPhone(contactNumber).normalized;
  const dateJoined = isoDate(fields[6] ?? "") ?? null;
  return {
    rowNo,
    rejected: true,
    customerKey: customerKey({ contactNumber, phoneNormalized, customerName, dateJoined }),
    rowHash: "",
    store: "",
    customerName,
    contactNumber,
    address: null,
    email: null,
    dateOfBirth: null,
    dateJoined,
    availableCredit: null,
    availablePoint: null,
    source: null,
    smsPdpa: null,
    emailPdpa: null,
    phoneNormalized,
  };
}
