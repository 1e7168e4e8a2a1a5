import { normalizeThaiPhone } from "@crm-sync/loader";

/** One string that must never appear in output, and what it is (for the failure message). */
export interface Watched {
  what: string;
  text: string;
}

const htmlEscaped = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/**
 * Whether `watched` appears in `haystack` as written, as JSON writes it (log lines, messages)
 * or as HTML writes it (emails). Phone numbers are matched whole, so a digit run inside a
 * longer number (a generation, a timestamp) does not count.
 */
export function occurs(haystack: string, watched: Watched): boolean {
  if (/^\+?\d+$/.test(watched.text)) return new RegExp(`(?<!\\d)${watched.text.replace("+", "\\+")}(?!\\d)`).test(haystack);
  const lower = haystack.toLowerCase();
  const spellings = [watched.text, JSON.stringify(watched.text).slice(1, -1), htmlEscaped(watched.text)];
  return spellings.some((spelling) => lower.includes(spelling.toLowerCase()));
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
