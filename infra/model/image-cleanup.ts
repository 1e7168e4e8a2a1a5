/**
 * Every deploy pushes four images under a new tag, and Artifact Registry bills storage past its
 * free half gigabyte: without a rule the registry (the scraper's image alone carries Chromium)
 * would grow with every deploy. The repository keeps each image's newest versions, enough to roll
 * back a few deploys (Cloud Run revisions point at them), and deletes the rest once they are old.
 */
export const IMAGE_VERSIONS_KEPT = 5;
export const IMAGE_DELETE_AFTER_DAYS = 30;

/** The cleanup policy file `gcloud artifacts repositories set-cleanup-policies --policy` reads. */
export function imageCleanupPolicyJson(): string {
  const policies = [
    { name: "keep-newest", action: { type: "Keep" }, mostRecentVersions: { keepCount: IMAGE_VERSIONS_KEPT } },
    { name: "delete-old", action: { type: "Delete" }, condition: { tagState: "any", olderThan: `${IMAGE_DELETE_AFTER_DAYS}d` } },
  ];
  return `[\n${policies.map((p) => `  ${JSON.stringify(p)}`).join(",\n")}\n]`;
}
