/**
 * Phone numbers in free text, wherever they stand: alone (`0812345678`, `+66 81 234 5678`,
 * `812345678` that lost its 0), or glued to a name or a label (`Somchai-0812345678`,
 * `tel_0812345678`, `0812345678abc`), as exported text often is. What on-call needs stays:
 * uuids, hex digests and trace ids, timestamps, and the long ids run ids are made of.
 */

/** Tokens that are never a phone number, though they can hold long digit runs. */
const SAFE_TOKEN = new RegExp(
  [
    // UUIDs (event ids), whose groups can be all digits.
    "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    // Trace ids, md5 (32), sha1 (40), sha256 (64) in hex, standing alone.
    "(?<![0-9A-Za-z])(?:[0-9a-f]{64}|[0-9a-f]{40}|[0-9a-f]{32})(?![0-9A-Za-z])",
    // ISO-8601 dates and times, extended or basic (`2026-11-26T19:21:28.000Z`, `20261126T020000Z`).
    "(?<!\\d)\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?(?!\\d)",
    "(?<!\\d)20\\d{6}T\\d{4,6}Z?(?!\\d)",
    // The CLI's run ids stamp the time as 14 digits (`cli-20261206075500-a1b2c3`).
    "(?<!\\d)20\\d{12}(?!\\d)",
  ].join("|"),
  "gi",
);

/** A digit run, optionally with a leading + and single spaces, dots or dashes between digits. */
const DIGIT_RUN = /\+?\d(?:[ .-]?\d)*/g;

/** Characters that glue a run to a word: letters and digits of any script, `_` and `-`. */
const WORD_CHARACTER = /[\p{L}\p{N}_-]/u;

/**
 * Seven digits or more, up to 15 (the longest E.164 number): a phone wherever it stands.
 * Longer runs are a phone only when they stand alone: glued to a word they are ids
 * (`msg-<16-digit Pub/Sub message id>`), which are no personal data.
 */
const MIN_DIGITS = 7;
const MAX_GLUED_DIGITS = 15;

function maskIn(text: string, start: number, end: number): string {
  return text.slice(start, end).replace(DIGIT_RUN, (run: string, offset: number) => {
    const digits = run.replace(/\D/g, "").length;
    if (digits < MIN_DIGITS) return run;
    if (digits <= MAX_GLUED_DIGITS) return "[phone]";
    const before = text[start + offset - 1] ?? "";
    const after = text[start + offset + run.length] ?? "";
    return WORD_CHARACTER.test(before) || WORD_CHARACTER.test(after) ? run : "[phone]";
  });
}

export function maskPhoneNumbers(text: string): string {
  if (!/\d/.test(text)) return text;
  let out = "";
  let last = 0;
  for (const match of text.matchAll(SAFE_TOKEN)) {
    out += maskIn(text, last, match.index) + match[0];
    last = match.index + match[0].length;
  }
  return out + maskIn(text, last, text.length);
}
