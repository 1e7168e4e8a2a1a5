export interface ThaiPhone {
  /** The contact number exactly as exported. */
  raw: string;
  /** E.164 (`+66…` for Thai numbers, `+<digits>` for explicit foreign ones); null when unusable. */
  normalized: string | null;
  /** Thai national form `0XXXXXXXX(X)`; null for foreign, placeholder or unrecognised numbers. */
  national: string | null;
  /** Staff type short dummies (`0`, `123`, `0000000`) when a customer gives no number. */
  placeholder: boolean;
}

/** Numbers this short are never real in Thailand (the shortest national number has 9 digits). */
const PLACEHOLDER_MAX_DIGITS = 7;

function thai(raw: string, national: string): ThaiPhone {
  return { raw, normalized: `+66${national.slice(1)}`, national, placeholder: false };
}

/**
 * Reads a contact number the way the portal's staff typed it. Spreadsheets drop the leading 0
 * (`812345678`), some numbers carry the country code as `66…`, `+66…` or `0066…`, and staff
 * enter short placeholders when the customer gives none. Placeholders never identify anyone.
 */
export function normalizeThaiPhone(text: string): ThaiPhone {
  const trimmed = text.trim();
  const digits = trimmed.replace(/\D/g, "");
  const unusable: ThaiPhone = { raw: text, normalized: null, national: null, placeholder: false };
  if (digits === "") return unusable;
  if (digits.length <= PLACEHOLDER_MAX_DIGITS || /^0+$/.test(digits)) return { ...unusable, placeholder: true };

  if (trimmed.startsWith("+")) {
    if (digits.startsWith("66")) return nationalFrom(text, digits.slice(2)) ?? unusable;
    return { raw: text, normalized: `+${digits}`, national: null, placeholder: false };
  }
  if (digits.startsWith("0066")) return nationalFrom(text, digits.slice(4)) ?? unusable;
  if (digits.startsWith("00")) return { raw: text, normalized: `+${digits.slice(2)}`, national: null, placeholder: false };
  if (digits.startsWith("0")) return digits.length === 9 || digits.length === 10 ? thai(text, digits) : unusable;
  // A country code makes the number 10 (landline) or 11 (mobile) digits long; a 9-digit `66…`
  // is a mobile number starting 06 6 that lost its 0.
  if (digits.startsWith("66") && digits.length >= 10) return nationalFrom(text, digits.slice(2)) ?? unusable;
  return nationalFrom(text, digits) ?? unusable;
}

/** `subscriber` is the number after the country code or without its trunk 0 (8 or 9 digits). */
function nationalFrom(raw: string, subscriber: string): ThaiPhone | undefined {
  const withoutTrunk = subscriber.startsWith("0") ? subscriber.slice(1) : subscriber;
  if (withoutTrunk.length !== 8 && withoutTrunk.length !== 9) return undefined;
  return thai(raw, `0${withoutTrunk}`);
}
