import { maskPhoneNumbers } from "./phone-runs.ts";

/**
 * Redaction happens here, at the logger, so no call site can forget it. Two layers:
 * keys that name a secret or a personal field lose their value whatever it is, and every
 * string anywhere (messages, error text, nested fields) has emails, phone-like digit runs,
 * customer keys, bearer tokens and URL credentials masked.
 */
const SENSITIVE_KEY = new RegExp(
  [
    // Secrets.
    "pass(word)?|secret|token|authori[sz]ation|cookie|api[-_]?key|private[-_]?key|credential|webhook",
    // A customer's fields, as the export, the table and the code name them.
    "phone|mobile|contact[-_ ]?number|e-?mail$|^e-?mails$|address$|date[-_ ]?of[-_ ]?birth|^dob$|birth[-_ ]?date",
    "customer[-_ ]?(name|key)|^(first|last|full|given|family|nick|display|member|contact)?[-_ ]?name$|requested[-_ ]?by",
    // A server error's parts that quote keys and rows, should a raw one be spread into a line.
    "^(detail|where|hint|parameters|internal[-_]?query)$",
  ].join("|"),
  "i",
);

/** Keys whose value is a whole record or its fields: masked unless a number (a row number). */
const RECORD_KEY = /^(customer|customers|record|row|rows|fields|values)$/i;

const TEXT_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, "Bearer [redacted]"],
  [/\b(eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*)/g, "[redacted-jwt]"],
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, "$1[redacted]@"],
  [/\b(password|passwd|pwd|secret|token|api[-_]?key)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi, "$1$2[redacted]"],
  // Chat webhooks carry their credential in the URL: Slack in the path (`/services/T…/B…/<secret>`,
  // on hooks.slack.com or a relay), Google Chat in the query (`?key=…&token=…`).
  [/\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/[A-Za-z0-9]+/g, "/services/[redacted]"],
  [/(\bhooks\.slack\.com\/)(?!services\/\[redacted\])[^\s"'<>]+/gi, "$1[redacted]"],
  [/([?&]key=)[^&\s"'#]+/gi, "$1[redacted]"],
  // Any script in the local part and the domain: `สมชาย.k@example.com` must not keep the name.
  [/[\p{L}\p{M}\p{N}._%+'-]+@[\p{L}\p{M}\p{N}-]+(?:\.[\p{L}\p{M}\p{N}-]+)*\.[\p{L}\p{M}]{2,}/gu, "[email]"],
  // A name key (`name:<customer name>|<date joined>`, customer-key.ts), quoted in an error or
  // a note: up to the `|` the date follows (the name may hold `|`), or, with no date, the `|`
  // that ends the key.
  [/\bname:[^\n]*?\|\d{4}-\d{2}-\d{2}(?!\d)/g, "name:[redacted]"],
  [/\bname:(?!\[redacted\])[^\n]*?\|(?=$|[\s"'`),;\]}])/g, "name:[redacted]"],
];

export const REDACTED = "[redacted]";

/**
 * Ids an engineer needs to find a delivery, an object or a trace, which the phone rule would
 * mask (Pub/Sub message ids and GCS generations are long digit runs, span ids hex with digit
 * runs). Kept only under these keys, only in their own format.
 */
const KEPT_IDS: ReadonlyArray<readonly [RegExp, RegExp]> = [
  [/^(messageId|message_id|generation)$/, /^\d+$/],
  [/^(traceId|spanId|logging\.googleapis\.com\/(trace|spanId))$/, /^(projects\/[a-z0-9-]+\/traces\/)?[0-9a-f]{16,32}$/],
];

export function scrubText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TEXT_RULES) out = out.replace(pattern, replacement);
  return maskPhoneNumbers(out);
}

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

function keptId(key: string, value: unknown): boolean {
  return typeof value === "string" && KEPT_IDS.some(([keys, format]) => keys.test(key) && format.test(value));
}

export function scrubValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return scrubText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > 8 || seen.has(value)) return "[truncated]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner === undefined || inner === null) out[key] = inner;
    else if (isSensitiveKey(key)) out[key] = REDACTED;
    else if (RECORD_KEY.test(key) && typeof inner !== "number") out[key] = REDACTED;
    else if (keptId(key, inner)) out[key] = inner;
    else out[key] = scrubValue(inner, depth + 1, seen);
  }
  return out;
}
