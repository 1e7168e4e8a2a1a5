import type { Language } from "./language.ts";

/** The club is in Bangkok: every date and time staff read is in its time zone, whatever the server's. */
export const CLUB_TIME_ZONE = "Asia/Bangkok";

// Thai dates use the Buddhist era (2569 for 2026), as Thai offices write them; Intl does that for th-TH.
const LOCALE: Record<Language, string> = { th: "th-TH", en: "en-GB" };

export function formatNumber(value: number, language: Language): string {
  return new Intl.NumberFormat(LOCALE[language]).format(value);
}

/** "6 Dec 2026, 14:05" / "6 ธ.ค. 2569 14:05", in Bangkok time. */
export function formatDateTime(at: Date, language: Language): string {
  return new Intl.DateTimeFormat(LOCALE[language], {
    timeZone: CLUB_TIME_ZONE,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(at);
}

const UNITS: Record<Language, { h: string; min: string; s: string }> = {
  th: { h: "ชม.", min: "นาที", s: "วินาที" },
  en: { h: "h", min: "min", s: "s" },
};

/** The conventions behind these formatters, for a page that formats in the browser with Intl (the dashboard). */
export function formatConventions(language: Language): { locale: string; timeZone: string; durationUnits: { h: string; min: string; s: string } } {
  return { locale: LOCALE[language], timeZone: CLUB_TIME_ZONE, durationUnits: UNITS[language] };
}

/** A run's duration as people say it: "42 s", "3 min 5 s", "1 h 2 min". */
export function formatDuration(milliseconds: number, language: Language): string {
  const unit = UNITS[language];
  const total = Math.max(0, Math.round(milliseconds / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours} ${unit.h} ${minutes} ${unit.min}`;
  if (minutes > 0) return `${minutes} ${unit.min} ${seconds} ${unit.s}`;
  return `${seconds} ${unit.s}`;
}
