import { EVIDENCE_PREFIX, EXPORTS_PREFIX } from "@crm-sync/blob";

/**
 * How long the bucket keeps personal data (README "Data protection"): customer exports and the
 * scraper's failure evidence are deleted by bucket lifecycle rules, each after its own number
 * of days, set by a deploy.sh setting.
 */
export interface RetentionRule {
  prefix: string;
  /** The deploy.sh setting holding the age in days. */
  setting: "EXPORTS_RETENTION_DAYS" | "EVIDENCE_RETENTION_DAYS";
}

export const RETENTION_RULES: readonly RetentionRule[] = [
  { prefix: EXPORTS_PREFIX, setting: "EXPORTS_RETENTION_DAYS" },
  { prefix: EVIDENCE_PREFIX, setting: "EVIDENCE_RETENTION_DAYS" },
];

/**
 * The bucket's lifecycle configuration (the JSON `gcloud storage buckets update --lifecycle-file`
 * reads) with each age as a bash expansion of its setting, for a heredoc in deploy.sh.
 */
export function lifecycleJsonTemplate(): string {
  const rule = RETENTION_RULES.map((r) => ({ action: { type: "Delete" }, condition: { age: `@${r.setting}@`, matchesPrefix: [r.prefix] } }));
  // One rule per line: readable in the generated script.
  const lines = rule.map((r) => `  ${JSON.stringify(r)}`).join(",\n");
  return `{"rule": [\n${lines}\n]}`.replace(/"@([A-Z_]+)@"/g, "$${$1}");
}
