import { SyncError } from "@crm-sync/errors";
import type { ReasonCount } from "./reject-reason.ts";

export interface GuardLimits {
  /** Largest share of rejected rows (invalid or duplicate keys) a load accepts. Default 0.01. */
  maxRejectRatio: number;
  /** Largest share of active customers one load may soft-delete without approval. Default 0.10. */
  maxDeleteRatio: number;
}

export const DEFAULT_GUARD_LIMITS: GuardLimits = { maxRejectRatio: 0.01, maxDeleteRatio: 0.1 };

export interface GuardFacts {
  /** Data records in the file. */
  rows: number;
  rejected: number;
  /** Active customers before this load. */
  activeBefore: number;
  /** Active customers this load would soft-delete. */
  softDeleted: number;
  allowMassDelete: boolean;
  /** Why rows were rejected, to name the commonest in a refusal (columns and codes, never values). */
  rejectReasons?: readonly ReasonCount[];
}

/**
 * The checks that must pass before anything is written. Returns the failure to report, or
 * undefined when the load may proceed. Messages carry counts only, never row values.
 */
export function checkGuards(facts: GuardFacts, limits: GuardLimits): SyncError | undefined {
  if (facts.rows === 0) return new SyncError("EXPORT_EMPTY", "The export has a header but no customer rows.");
  if (facts.rejected / facts.rows > limits.maxRejectRatio) {
    return new SyncError(
      "REJECT_RATIO_EXCEEDED",
      `${facts.rejected} of ${facts.rows} rows were invalid or had duplicate keys, more than the allowed ${percent(limits.maxRejectRatio)}.${commonest(facts.rejectReasons ?? [])}`,
    );
  }
  if (!facts.allowMassDelete && facts.activeBefore > 0 && facts.softDeleted / facts.activeBefore > limits.maxDeleteRatio) {
    return new SyncError(
      "MASS_DELETE_HELD",
      `The export would remove ${facts.softDeleted} of ${facts.activeBefore} active customers, more than the allowed ${percent(limits.maxDeleteRatio)}; the run is held until an operator approves it.`,
    );
  }
  return undefined;
}

/** The three commonest reasons, so a refusal says what to fix in the portal without a log search. */
function commonest(reasons: readonly ReasonCount[]): string {
  if (reasons.length === 0) return "";
  const top = [...reasons].sort((a, b) => b.count - a.count).slice(0, 3);
  return ` Most often: ${top.map((r) => `${r.column ?? "the record"} ${r.code} (${r.count})`).join(", ")}.`;
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}
