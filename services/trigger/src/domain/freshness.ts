export interface Freshness {
  lastSuccessAt: string | null;
  ageSeconds: number | null;
  customerCount: number;
  stale: boolean;
  staleAfterSeconds: number;
}

/** Data is stale when no sync ever succeeded, or the last success is older than `staleAfterMs`. */
export function computeFreshness(input: { lastSuccessAt: Date | null; customerCount: number; now: Date; staleAfterMs: number }): Freshness {
  const { lastSuccessAt, now, staleAfterMs } = input;
  const ageMs = lastSuccessAt === null ? null : Math.max(0, now.getTime() - lastSuccessAt.getTime());
  return {
    lastSuccessAt: lastSuccessAt?.toISOString() ?? null,
    ageSeconds: ageMs === null ? null : Math.floor(ageMs / 1000),
    customerCount: input.customerCount,
    stale: ageMs === null || ageMs > staleAfterMs,
    staleAfterSeconds: Math.floor(staleAfterMs / 1000),
  };
}
