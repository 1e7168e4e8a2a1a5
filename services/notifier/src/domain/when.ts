/** Staff are in Thailand; engineers read UTC in the logs. Emails show both. */
const BANGKOK = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Asia/Bangkok",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

export function formatInstant(instant: Date): string {
  const parts = Object.fromEntries(BANGKOK.formatToParts(instant).map((part) => [part.type, part.value]));
  const local = `${parts["year"]}-${parts["month"]}-${parts["day"]} ${parts["hour"]}:${parts["minute"]}`;
  return `${local} Asia/Bangkok (${instant.toISOString().slice(0, 16).replace("T", " ")} UTC)`;
}

export function formatHours(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  return hours === 1 ? "1 hour" : `${hours} hours`;
}
