import type { Artifact } from "@crm-sync/contracts";
import { BlobExistsError, type BlobStore } from "@crm-sync/blob/local";
import type { Logger } from "@crm-sync/logging";
import { artifactObjectName } from "../domain/object-names.ts";
import type { LocalArtifact } from "../portal/portal-export.ts";

/**
 * Uploads failure evidence and returns links for `sync-failed`. An upload that fails is
 * logged and left out: the failure report matters more than any one piece of evidence.
 */
export async function uploadArtifacts(
  blobs: BlobStore,
  runId: string,
  attempt: number,
  artifacts: readonly LocalArtifact[],
  logger: Logger,
): Promise<Artifact[]> {
  const uploaded: Artifact[] = [];
  for (const artifact of artifacts) {
    const name = artifactObjectName(runId, attempt, artifact.name);
    try {
      await blobs.put(name, { path: artifact.path }, { contentType: artifact.contentType, metadata: { runId, kind: artifact.kind } });
    } catch (error) {
      // The same attempt delivered twice already stored its evidence.
      if (!(error instanceof BlobExistsError)) {
        logger.warn({ err: error, artifact: artifact.name }, "could not store failure evidence");
        continue;
      }
    }
    uploaded.push({ kind: artifact.kind, name, url: await blobs.url(name) });
  }
  return uploaded;
}
