import type { StoredObject } from "@crm-sync/contracts";

/** What the trigger knows about a stored export: its identity and when the store created it. */
export interface ExportFacts {
  name: string;
  generation: string;
  createdAt: string;
}

export type ReplayAge = "latest-or-newer" | "older";

/**
 * Whether replaying `requested` could undo newer data. Replaying the export the last successful
 * run loaded, or one the store created after it, is an operator's everyday repair; replaying an
 * older one reverts updates made since and may soft-delete customers under the guard's limit, so
 * it needs an approver. When nothing was loaded yet there is nothing newer to undo. When the
 * last loaded export is gone from the store, no age can be proven: the replay counts as older.
 */
export function replayAge(requested: ExportFacts, lastLoaded: { object: StoredObject; facts: ExportFacts | undefined } | undefined): ReplayAge {
  if (lastLoaded === undefined) return "latest-or-newer";
  const { object, facts } = lastLoaded;
  if (requested.name === object.name && requested.generation === object.generation) return "latest-or-newer";
  if (facts === undefined) return "older";
  const requestedAt = Date.parse(requested.createdAt);
  const loadedAt = Date.parse(facts.createdAt);
  if (Number.isNaN(requestedAt) || Number.isNaN(loadedAt)) return "older";
  return requestedAt > loadedAt ? "latest-or-newer" : "older";
}
