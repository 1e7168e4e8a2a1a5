const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** For zod `.regex()` checks, which (unlike a failing transform) let every other variable be checked too. */
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * `"26h"`, `"90m"`, `"30s"`, `"500ms"`, `"2d"` → milliseconds; undefined when malformed. One
 * grammar for every service: STALE_AFTER, for one, is read by both the trigger and the notifier.
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, amount, unit] = match;
  return Math.round(Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]);
}
