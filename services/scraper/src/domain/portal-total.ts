/**
 * Reads the customer total the portal prints above its table, e.g. "Total: 1,234 customers".
 * The portal formats with thousands separators (commas, sometimes dots or spaces), so every
 * separator between digits is dropped. Undefined when the text holds no total.
 */
export function parsePortalTotal(text: string): number | undefined {
  const match = /total\s*:?\s*(\d{1,3}(?:[,.\s\u00a0\u202f]\d{3})+|\d+)/i.exec(text);
  if (match?.[1] === undefined) return undefined;
  const total = Number(match[1].replace(/\D/g, ""));
  return Number.isSafeInteger(total) ? total : undefined;
}
