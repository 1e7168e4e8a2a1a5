/** One field a customer change touched: its value before and after (null when absent). */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/**
 * The fields that differ between a change log entry's `before` and `after` (crm_sync.customer_changes):
 * an insert shows every field it set, a removal only `deleted_at`, an update only what changed.
 */
export function changedFields(before: Record<string, unknown> | null, after: Record<string, unknown> | null): FieldChange[] {
  const fields = new Set([...Object.keys(after ?? {}), ...(before === null ? [] : Object.keys(before))]);
  const changes: FieldChange[] = [];
  for (const field of [...fields].sort()) {
    const was = before?.[field] ?? null;
    const now = after?.[field] ?? null;
    // A removal's `after` holds deleted_at alone: the other fields did not change.
    if (after !== null && !(field in after) && before !== null) continue;
    if (JSON.stringify(was) !== JSON.stringify(now)) changes.push({ field, before: was, after: now });
  }
  return changes;
}
