/**
 * Redaction happens here, at the logger, so no call site can forget it. Two layers:
 * keys that name a secret or a personal field lose their value whatever it is, and every
 * string anywhere (messages, error text, nested fields) has emails, phone-like digit runs,
 * bearer tokens and URL credentials masked.
 */
const SENSITIVE_KEY =
  /pass(word)?|secret|token|authori[sz]ation|cookie|api[-_]?key|private[-_]?key|credential|^phone|phone$|contact[-_ ]?number|e-?mail$|^address$|customer[-_ ]?name|date[-_ ]?of[-_ ]?birth|^dob$/i;

const TEXT_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, "Bearer [redacted]"],
  [/\b(eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*)/g, "[redacted-jwt]"],
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, "$1[redacted]@"],
  [/\b(password|passwd|pwd|secret|token|api[-_]?key)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi, "$1$2[redacted]"],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, "[email]"],
  // Phone-like runs: 7+ digits, optionally with +, spaces, dots or dashes between groups
  // (but not a UUID, whose groups can be all digits).
  [/(?<![\w.-])(?![0-9a-f]{8}-[0-9a-f]{4}-)\+?\d(?:[ .-]?\d){6,}(?![\w-])/g, "[phone]"],
];

export const REDACTED = "[redacted]";

/**
 * Pub/Sub message ids are long digit runs that the phone rule would mask, yet they are what an
 * engineer needs to find a delivery in the console. Kept only under these keys, only all digits.
 */
const MESSAGE_ID_KEY = /^(messageId|message_id)$/;
const ALL_DIGITS = /^\d+$/;

export function scrubText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TEXT_RULES) out = out.replace(pattern, replacement);
  return out;
}

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

export function scrubValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return scrubText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > 8 || seen.has(value)) return "[truncated]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (isSensitiveKey(key) && inner !== undefined && inner !== null) out[key] = REDACTED;
    else if (MESSAGE_ID_KEY.test(key) && typeof inner === "string" && ALL_DIGITS.test(inner)) out[key] = inner;
    else out[key] = scrubValue(inner, depth + 1, seen);
  }
  return out;
}
