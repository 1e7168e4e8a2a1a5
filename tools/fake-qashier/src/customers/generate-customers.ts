import { CUSTOMER_SOURCES, type CustomerRecord, type CustomerSource } from "./customer-record.ts";
import {
  EMAIL_DOMAINS,
  ENGLISH_FIRST_NAMES,
  ENGLISH_SURNAME_HEADS,
  ENGLISH_SURNAME_TAILS,
  MIDDLE_INITIALS,
  PROVINCES,
  THAI_FIRST_NAMES,
  THAI_SURNAME_HEADS,
  THAI_SURNAME_TAILS,
} from "./name-parts.ts";
import { contactNumber } from "./phone-numbers.ts";
import { seededRandom, type SeededRandom } from "./seeded-random.ts";

export interface GenerateOptions {
  seed: number;
  count: number;
  store?: string;
  /**
   * Share of customers (0..1) whose points differ from the same seed's export without it: a
   * later snapshot of the same customers. Exactly floor(count × ratio) rows change, spread
   * evenly; every other field and row is byte for byte the same.
   */
  changeRatio?: number;
}

const DAY_MS = 86_400_000;
const DOB_FROM = Date.UTC(1950, 0, 1);
const DOB_DAYS = (Date.UTC(2006, 11, 31) - DOB_FROM) / DAY_MS;
const JOINED_FROM = Date.UTC(2018, 0, 1);
const JOINED_DAYS = (Date.UTC(2026, 10, 25) - JOINED_FROM) / DAY_MS;

const SOURCE_WEIGHTS: readonly (readonly [CustomerSource, number])[] = [
  ["Walk In", 40],
  ["Others", 35],
  ["Digital", 15],
  ["N.A.", 10],
];
// The weights must name every source the portal knows.
if (SOURCE_WEIGHTS.length !== CUSTOMER_SOURCES.length) throw new Error("SOURCE_WEIGHTS is missing a source");

/**
 * Synthetic customers with the real export's quirks, one at a time: a million rows never sit
 * in memory. The same seed and count always give the same rows in the same order.
 */
export function* generateCustomers(options: GenerateOptions): Generator<CustomerRecord> {
  const random = seededRandom(options.seed);
  const phoneOffset = random.int(0, 299_999_999);
  const store = options.store ?? "LENGOLF";
  const changeRatio = options.changeRatio ?? 0;
  for (let index = 0; index < options.count; index++) {
    const record: CustomerRecord = {
      store,
      customer: customerName(random),
      contactNumber: contactNumber(random, index, phoneOffset),
      address: address(random),
      email: random.chance(0.12) ? `member${random.int(1, 99_999)}@${random.pick(EMAIL_DOMAINS)}` : "",
      dateOfBirth: random.chance(0.45) ? formatDate(DOB_FROM + random.int(0, DOB_DAYS) * DAY_MS) : "",
      dateJoined: formatDate(JOINED_FROM + random.int(0, JOINED_DAYS) * DAY_MS),
      availableCredit: random.chance(0.1) ? `${50 * random.int(1, 200)}.00` : "0.00",
      availablePoint: random.chance(0.55) ? (random.int(1, 500_000) / 100).toFixed(2) : "0.00",
      source: random.weighted(SOURCE_WEIGHTS),
      smsPdpa: random.chance(0.4) ? "Yes" : "No",
      emailPdpa: random.chance(0.4) ? "Yes" : "No",
    };
    // Decided by position, not by a draw, so the seeded stream (and every other row) is untouched.
    const changed = Math.floor((index + 1) * changeRatio) > Math.floor(index * changeRatio);
    yield changed ? { ...record, availablePoint: (Number(record.availablePoint) + 1).toFixed(2) } : record;
  }
}

function customerName(random: SeededRandom): string {
  const name = random.chance(0.55) ? thaiName(random) : englishName(random);
  // Staff often leave trailing spaces; the export keeps them.
  return random.chance(0.08) ? `${name}${random.pick([" ", "  "])}` : name;
}

function thaiName(random: SeededRandom): string {
  const first = random.pick(THAI_FIRST_NAMES);
  if (random.chance(0.1)) return first;
  return `${first} ${random.pick(THAI_SURNAME_HEADS)}${random.pick(THAI_SURNAME_TAILS)}`;
}

function englishName(random: SeededRandom): string {
  const first = random.pick(ENGLISH_FIRST_NAMES);
  const middle = random.chance(0.2) ? ` ${random.pick(MIDDLE_INITIALS)}` : "";
  return `${first}${middle} ${random.pick(ENGLISH_SURNAME_HEADS)}${random.pick(ENGLISH_SURNAME_TAILS)}`;
}

function address(random: SeededRandom): string {
  if (random.chance(0.65)) return "";
  const [province, zip] = random.pick(PROVINCES);
  const house = random.int(1, 299);
  const moo = random.int(1, 12);
  switch (random.int(0, 3)) {
    case 0:
      return `${house} หมู่ ${moo} ต.บ้านใหม่ อ.เมือง จ.${province} ${zip}`;
    case 1:
      return `${house}/${random.int(1, 99)} Moo ${moo}, Soi ${random.int(1, 50)}, ${province} ${zip}`;
    case 2:
      return `${house}/${random.int(1, 99)} Moo ${moo}\n${province} ${zip}`;
    default:
      return `${house} "Baan Suan" Village, Moo ${moo}, ${province} ${zip}`;
  }
}

function formatDate(epochMs: number): string {
  const date = new Date(epochMs);
  const dd = String(date.getUTCDate()).padStart(2, "0");
  const mm = String(date.getUTCMonth() + 1).padStart(2, "0");
  return `${dd}/${mm}/${date.getUTCFullYear()}`;
}
