import type { SeededRandom } from "./seeded-random.ts";

/** Three leading digits Thai mobile numbers start with after the 0, times 10^8 numbers each. */
const MOBILE_LEADS = [6, 8, 9] as const;
const SPACE = 3 * 100_000_000;
/**
 * Coprime with SPACE, so `index * STRIDE mod SPACE` never repeats below SPACE rows, and small
 * enough that the product stays an exact integer (< 2^53).
 */
const STRIDE = 27_182_819;

/**
 * The 9-digit national significant number of the index-th customer: distinct for every index,
 * spread out so consecutive rows do not look sequential.
 */
export function mobileKey(index: number, offset: number): string {
  const n = ((index % SPACE) * STRIDE + offset) % SPACE;
  const lead = MOBILE_LEADS[Math.floor(n / 100_000_000)] ?? 8;
  // Reversing the eight digits (a bijection too) hides the arithmetic progression.
  const rest = [...String(n % 100_000_000).padStart(8, "0")].reverse().join("");
  return `${lead}${rest}`;
}

const PLACEHOLDERS = ["0", "123", "0000000", "1234", "1234567"] as const;

/**
 * The contact number as staff typed it into the POS: mostly `0XXXXXXXXX`, sometimes with the
 * leading 0 lost by a spreadsheet, an international prefix, a placeholder, blank, or the
 * previous customer's number typed again without its 0 (a duplicate key after normalizing).
 */
export function contactNumber(random: SeededRandom, index: number, offset: number): string {
  const key = mobileKey(index, offset);
  const roll = random.int(0, 999);
  if (roll < 15) return "";
  if (roll < 25) return random.pick(PLACEHOLDERS);
  if (roll < 30 && index > 0) return mobileKey(index - 1, offset);
  if (roll < 60) return key;
  if (roll < 67) return `66${key}`;
  if (roll < 73) return `+66${key}`;
  if (roll < 77) return `0066${key}`;
  return `0${key}`;
}
