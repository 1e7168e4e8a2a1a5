import { formatDateTime, type Language } from "@crm-sync/messages";

/**
 * Staff read Bangkok time (Thai dates in the Buddhist era); the engineer also gets UTC, which
 * is what the logs and traces show.
 */
export function formatWhen(instant: Date, language: Language): string {
  if (language === "th") return `${formatDateTime(instant, "th")} น. (เวลากรุงเทพฯ)`;
  return `${formatDateTime(instant, "en")} Bangkok time (${instant.toISOString().slice(0, 16).replace("T", " ")} UTC)`;
}

export function formatHours(ms: number, language: Language): string {
  const hours = Math.floor(ms / 3_600_000);
  if (language === "th") return `${hours} ชั่วโมง`;
  return hours === 1 ? "1 hour" : `${hours} hours`;
}
