import { customerKey } from "./customer-key.ts";
import { isoDate, parseCustomerRow, type CustomerRow } from "./customer-row.ts";
import { indexLimitProblems } from "./index-limits.ts";
import type { RowProblem } from "./reject-reason.ts";
import type { RepeatedKeys } from "./repeated-keys.ts";
import { normalizeThaiPhone } from "./thai-phone.ts";

/** An exported row for the staging table: valid, or rejected but still naming a customer. */
export interface StagedCustomer extends CustomerRow {
  /** 1-based position among the file's data records. */
  rowNo: number;
  customerKey: string;
  /**
   * A rejected row is staged too, with the identity it seems to carry, so that a customer is
   * never soft-deleted only because this export's row for them was invalid.
   */
  rejected: boolean;
  /** Whether an earlier row of the file may have had the same key: only such keys are counted for repeats. */
  keyMayRepeat: boolean;
}

export type StageResult = { ok: true; customer: StagedCustomer } | { ok: false; problems: RowProblem[]; customer: StagedCustomer };

/** `keys`: the keys of the file's earlier rows; this row's key is added. */
export function stageCustomer(fields: readonly string[], rowNo: number, keys: RepeatedKeys): StageResult {
  const parsed = parseCustomerRow(fields);
  if (!parsed.ok) {
    const customer = rejectedIdentity(fields, rowNo, keys);
    return { ok: false, problems: withIndexProblems(parsed.problems, customer), customer };
  }
  const row = parsed.row;
  const key = customerKey(row);
  const tooLong = indexLimitProblems(row, key);
  if (tooLong.length > 0) return { ok: false, problems: tooLong, customer: rejectedIdentity(fields, rowNo, keys) };
  return { ok: true, customer: { ...row, rowNo, customerKey: key, rejected: false, keyMayRepeat: keys.add(key) } };
}

/**
 * An invalid row's name or number too long for an index is named too, so that one correction
 * in the portal fixes the row, unless its column is already named (a field over the character
 * limit) or the record is ragged (its columns are not where the header says).
 */
function withIndexProblems(problems: RowProblem[], identity: StagedCustomer): RowProblem[] {
  if (problems.some((problem) => problem.column === null)) return problems;
  const named = new Set(problems.map((problem) => problem.column));
  return [...problems, ...indexLimitProblems(identity, identity.customerKey).filter((problem) => !named.has(problem.column))];
}

function rejectedIdentity(fields: readonly string[], rowNo: number, keys: RepeatedKeys): StagedCustomer {
  // Only what identifies the customer is kept, without NULs (Postgres text cannot hold them).
  // The staging table has no index, so a name or number too long for the customers' indexes
  // is staged whole: it still protects the customer it names from being soft-deleted.
  const customerName = (fields[1] ?? "").replaceAll("\u0000", "").trim();
  const contactNumber = (fields[2] ?? "").replaceAll("\u0000", "");
  const phoneNormalized = normalizeThaiPhone(contactNumber).normalized;
  const dateJoined = isoDate(fields[6] ?? "") ?? null;
  const key = customerKey({ contactNumber, phoneNormalized, customerName, dateJoined });
  return {
    rowNo,
    rejected: true,
    keyMayRepeat: keys.add(key),
    customerKey: key,
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
