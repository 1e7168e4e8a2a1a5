import { EVIDENCE_PREFIX, EXPORTS_PREFIX } from "@crm-sync/blob/local";
/**
 * Blob names. The export's date folder is the UTC date the run was requested, not the date
 * the scrape happened, so every redelivery of one run computes the same name and finds it.
 */
export function exportObjectName(runId: string, requestedAt: Date): string {
  const yyyy = String(requestedAt.getUTCFullYear()).padStart(4, "0");
  const mm = String(requestedAt.getUTCMonth() + 1).padStart(2, "0");
  const dd = String(requestedAt.getUTCDate()).padStart(2, "0");
  return `${EXPORTS_PREFIX}customers/${yyyy}/${mm}/${dd}/${runId}.csv`;
}

/** Failure evidence lives per attempt, because each redelivery drives the portal again. */
export function artifactObjectName(runId: string, attempt: number, file: string): string {
  return `${EVIDENCE_PREFIX}${runId}/attempt-${attempt}/${file}`;
}
