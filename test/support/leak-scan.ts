import { normalizeThaiPhone } from "@crm-sync/loader";

/** One string that must never appear in output, and what it is (for the failure message). */
export interface Watched {
  what: string;
  text: string;
}

const htmlEscaped = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
/** As a CSV field or a Postgres literal quotes it: `"` (or `'`) doubled. */
const doubledQuotes = (text: string) => text.replaceAll('"', '""').replaceAll("'", "''");

/**
 * Whether `watched` appears in `haystack` as written, as JSON writes it (log lines, messages),
 * as HTML writes it (emails) or as CSV and SQL quote it (a parser's or the server's message).
 * Phone numbers are matched whole, so a digit run inside a longer number (a generation, a
 * timestamp) does not count.
 */
export function occurs(haystack: string, watched: Watched): boolean {
  return matcherOf(watched)(haystack, haystack.toLowerCase());
}

type Matcher = (haystack: string, lowerHaystack: string) => boolean;

function matcherOf(watched: Watched): Matcher {
  if (/^\+?\d+$/.test(watched.text)) {
    const whole = new RegExp(`(?<!\\d)${watched.text.replace("+", "\\+")}(?!\\d)`);
    return (haystack) => whole.test(haystack);
  }
  const spellings = [watched.text, JSON.stringify(watched.text).slice(1, -1), htmlEscaped(watched.text), doubledQuotes(watched.text)].map((spelling) =>
    spelling.toLowerCase(),
  );
  return (_haystack, lower) => spellings.some((spelling) => lower.includes(spelling));
}

/**
 * Every watched value found in every output, as `<what> "<value>" in <where>: …<context>…`.
 * The same test as `occurs`, with each value's matcher built once and each output lower-cased
 * once: thousands of values over thousands of lines.
 */
export function findLeaks(outputs: ReadonlyArray<{ where: string; text: string }>, watched: readonly Watched[]): string[] {
  const matchers = watched.map((w) => ({ watched: w, matches: matcherOf(w) }));
  return outputs.flatMap(({ where, text }) => {
    const lower = text.toLowerCase();
    return matchers.filter(({ matches }) => matches(text, lower)).map(({ watched: w }) => `${w.what} "${w.text}" in ${where}: …${excerpt(text, lower, w.text)}…`);
  });
}

function excerpt(text: string, lower: string, needle: string): string {
  const at = lower.indexOf(needle.toLowerCase());
  return at < 0 ? text.slice(0, 160) : text.slice(Math.max(0, at - 80), at + needle.length + 80);
}

/** Everything a customer row says that identifies a person, in every spelling the pipeline produces. */
export function personalData(rows: ReadonlyArray<{ name: string; phone: string; email?: string; address?: string }>, source: string): Watched[] {
  const watched: Watched[] = [];
  for (const row of rows) {
    const name = row.name.trim();
    if (name.length >= 6) watched.push({ what: `${source} name`, text: name });
    if (row.email !== undefined && row.email !== "") watched.push({ what: `${source} email`, text: row.email });
    if (row.address !== undefined && row.address.trim().length >= 12) watched.push({ what: `${source} address`, text: row.address.trim() });
    const phone = normalizeThaiPhone(row.phone);
    const spellings = [row.phone.trim(), row.phone.replace(/\D/g, ""), phone.national, phone.normalized];
    for (const spelling of new Set(spellings)) {
      if (spelling !== null && spelling.replace(/\D/g, "").length >= 7) watched.push({ what: `${source} phone`, text: spelling });
    }
  }
  return watched;
}
