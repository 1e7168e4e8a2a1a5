// The page's words in Thai and English. Generic texts (error codes in plain words, request kinds,
// stages, statuses, "table touched", reject reasons, and how to write dates and numbers) come
// from libs/messages as JSON (/dashboard/strings/<lang>.json); the page's own are in texts.js.
// The choice is remembered in localStorage. Dates and times are always Bangkok's.

import { TEXTS } from "./texts.js";

const LANGUAGE_KEY = "crm-sync-language";
export const LANGUAGES = ["th", "en"];

// Until someone chooses, the browser's own language decides: Thai for a Thai browser, else English.
const stored = localStorage.getItem(LANGUAGE_KEY);
let language = LANGUAGES.includes(stored) ? stored : navigator.language.toLowerCase().startsWith("th") ? "th" : "en";
let catalog = null;

export const currentLanguage = () => language;

export async function loadLanguage(next = language) {
  const response = await fetch(`/dashboard/strings/${next}.json`, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`texts unavailable (${response.status})`);
  catalog = await response.json();
  language = next;
  localStorage.setItem(LANGUAGE_KEY, next);
  document.documentElement.lang = next;
}

/** A page text, with `{name}` filled from `values`. */
export function t(key, values = {}) {
  const text = TEXTS[language][key] ?? TEXTS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

/** An API refusal in the page's words when it has them (the API's own message is English). */
export function errorText(error) {
  const key = `apiError.${error.code}`;
  return TEXTS[language][key] ?? error.message;
}

/** A text of the shared catalog: m("failures", code).what, m("stages", stage), … */
export const m = (group, key) => catalog?.[group]?.[key];

export const formatNumber = (value) => new Intl.NumberFormat(catalog.format.locale).format(value);

/** A time in Bangkok, whatever the browser's zone, with the given parts. */
function inBangkok(iso, parts) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(catalog.format.locale, { timeZone: catalog.format.timeZone, hourCycle: "h23", ...parts }).format(new Date(iso));
}

export const formatDateTime = (iso) => inBangkok(iso, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });

/** A time of day to the second: the stages of one run are seconds apart. */
export const formatTime = (iso) => inBangkok(iso, { hour: "2-digit", minute: "2-digit", second: "2-digit" });

export function formatDuration(milliseconds) {
  const unit = catalog.format.durationUnits;
  const total = Math.max(0, Math.round(milliseconds / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours} ${unit.h} ${minutes} ${unit.min}`;
  if (minutes > 0) return `${minutes} ${unit.min} ${seconds} ${unit.s}`;
  return `${seconds} ${unit.s}`;
}

/** Fills the static page's `data-text` elements. */
export function translateStatic() {
  for (const node of document.querySelectorAll("[data-text]")) node.textContent = t(node.dataset.text);
  document.title = t("title");
}
