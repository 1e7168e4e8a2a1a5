import fc from "fast-check";
import { randomText, SCRIPTS } from "./hostile-text.ts";

/**
 * fast-check generators of exported customer rows as the portal could write them: every field
 * free text, so any Unicode (controls, bidi, zero-width, NUL, lone surrogates, which UTF-8
 * writing turns into U+FFFD), any length the 1 MiB record limit allows, odd numbers and dates.
 * Synthetic values only.
 */

/** Characters that have broken CSV writers, COPY, Postgres text or JavaScript's trim. */
const TROUBLE = [
  "\u0000", "\u0001", "\u0008", "\u000b", "\u000c", "\u001b", "\u001f", "\u007f", "\u0080", "\u0085", "\u009f",
  "\t", "\n", "\r", "\r\n", "\\", "\\.", "\\N", '"', '""', ",", ";", "'",
  "\u00a0", "\u2028", "\u2029", "\u3000", "\ufeff", "\u200b", "\u200c", "\u200d", "\u2060",
  "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
  "\ud800", "\udfff", "\ufffd", "\ufffe", "\uffff", "\u{10ffff}", "\u{e0001}",
  "ก", "ำ", "สมศรี", "漢", "ｗ", "０", "٣", "😀", "👩‍👩‍👧", "🇹🇭", "e\u0301", "𝔘",
];

const troubleText = fc.array(fc.oneof(fc.constantFrom(...TROUBLE), fc.string({ unit: "binary", maxLength: 4 })), { maxLength: 12 }).map((parts) => parts.join(""));

/** Incompressible text of a script, from a few hundred to a little over the 4,000-character field limit. */
const longText = (minLength: number, maxLength: number) =>
  fc
    .record({ script: fc.constantFrom(...Object.values(SCRIPTS)), length: fc.integer({ min: minLength, max: maxLength }), seed: fc.integer() })
    // An emoji is two UTF-16 units: the length is kept in units, as the field limit counts them.
    .map(({ script: [from, to], length, seed }) => randomText(length, from, to, seed).slice(0, length));

/** Anything at all in a field. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: troubleText },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 2, arbitrary: longText(300, 4200) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...TROUBLE), fc.integer({ min: 1000, max: 4100 })).map(([char, n]) => char.repeat(n)) },
);

/** Text a harmless column stores as it is: anything without NUL within 4,000 UTF-16 units. */
const storableText = fc.oneof(troubleText, longText(0, 4000), fc.string({ unit: "binary", maxLength: 60 })).map((text) => text.replaceAll("\u0000", "").slice(0, 4000));

const dayMonthYear = fc.record({ day: fc.integer({ min: 1, max: 28 }), month: fc.integer({ min: 1, max: 12 }), year: fc.integer({ min: 1900, max: 9999 }), pad: fc.boolean() });
const plausibleDate = fc.oneof(
  fc.constant(""),
  fc.constantFrom("29/02/2024", "31/12/9999", "01/01/1900", "1/3/2000"),
  dayMonthYear.map(({ day, month, year, pad }) => (pad ? `${String(day).padStart(2, "0")}/${String(month).padStart(2, "0")}/${year}` : `${day}/${month}/${year}`)),
);
const hostileDate = fc.oneof(
  fc.constantFrom("31/02/2022", "29/02/2023", "00/01/2000", "32/01/2000", "01/13/2000", "01/00/2000", "1/1/1899", "1/1/0000", "1/1/99", "01/01/12345", "2022-01-01", "99/99/9999", "1/1/-2000", "１/１/２０２２"),
  hostileText,
);

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: min, maxLength: max });
const plausibleAmount = fc.oneof(
  fc.constant(""),
  fc.constantFrom("0.00", "-0.00", "999999999999.99", "-999,999,999,999.99", "1,234.5", "0"),
  fc.tuple(fc.boolean(), digits(1, 12), fc.option(digits(1, 2), { nil: undefined })).map(([negative, whole, cents]) => `${negative ? "-" : ""}${whole}${cents === undefined ? "" : `.${cents}`}`),
);
const hostileAmount = fc.oneof(
  fc.constantFrom("1000000000000", "1,000,000,000,000.00", "1e400", "1E10", "0x10", "NaN", "Infinity", "-", "--1", "1.234", ".5", "1,23", "+1", "１２３", "9".repeat(400)),
  digits(13, 60),
  hostileText,
);

const plausibleEnum = <T extends string>(values: readonly T[]) => fc.constantFrom<T | "">(...values, "");

/** One customer row; `plausible` rows hold only values the contract accepts, and must load. */
export interface GeneratedRow {
  fields: string[];
  plausible: boolean;
}

/**
 * A row before its place in the file is known: the file gives each plausible row a unique
 * number and name prefix, so generated rows never repeat a key by chance, and fast-check can
 * shrink a failing export by dropping rows.
 */
type RowDraft = (index: number, previous: GeneratedRow | undefined) => GeneratedRow;

/** A customer's name: non-blank, within 1,000 UTF-8 bytes once trimmed, yet odd in every other way. */
const plausibleName = fc.tuple(fc.oneof(troubleText, longText(0, 300)), fc.constantFrom("", " ", "  ", "\u3000")).map(([odd, trailing]) => (index: number) => {
  let name = `M${index}${odd.replaceAll("\u0000", "")}`;
  while (Buffer.byteLength(name.trim()) > 1000) name = name.slice(0, -1);
  return `${name}${trailing}`;
});

/** A usable number unique to the row, in one of the ways staff type them. */
const NUMBER_FORMATS = [(s: string) => `0${s}`, (s: string) => s, (s: string) => ` 0${s} `, (s: string) => `+66 ${s}`, (s: string) => `66${s}`, (s: string) => `0066${s}`];
const plausibleNumber = fc.constantFrom(...NUMBER_FORMATS).map((format) => (index: number) => format(String(80_000_000 + index)));

const hostileNumber = fc.oneof(
  hostileText,
  fc.constantFrom("", "0", "123", "0000000", "name:0812345678"),
  // Usable numbers around the key limit: a long tail of other characters, or long digit runs
  // (foreign numbers keep all their digits in phone_normalized).
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 10_000_000, max: 99_999_999 }), longText(200, 1500)).map(([n, tail]) => `09${n}${tail}`) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom("+1", "00", "name:00"), digits(16, 1500)).map(([prefix, rest]) => `${prefix}${rest}`) },
);

/** Names around the 1,000-byte limit and far over it, in scripts of one to four bytes a character. */
const hostileName = fc.oneof(hostileText, { weight: 2, arbitrary: longText(250, 4000) });

const HOSTILE_BY_COLUMN = [hostileText, hostileName, hostileNumber, hostileText, hostileText, hostileDate, hostileDate, hostileAmount, hostileAmount, hostileText, hostileText, hostileText];

const plausibleRow = fc
  .tuple(
    fc.constantFrom("LENGOLF", "LENGOLF สาขา 2", "Store\u200b"),
    plausibleName,
    plausibleNumber,
    storableText,
    storableText,
    plausibleDate,
    plausibleDate,
    plausibleAmount,
    plausibleAmount,
    plausibleEnum(["Others", "Walk In", "Digital", "N.A."]),
    plausibleEnum(["Yes", "No"]),
    plausibleEnum(["Yes", "No"]),
  )
  .map(([store, name, number, ...rest]) => (index: number): string[] => [store, name(index), number(index), ...rest]);

const hostileColumn = fc.integer({ min: 0, max: 11 }).chain((column) => (HOSTILE_BY_COLUMN[column] ?? hostileText).map((text) => [column, text] as const));

/** A plausible row, or one with one to four columns hostile, or (rarely) a field short. */
const rowDraft: fc.Arbitrary<RowDraft> = fc.oneof(
  { weight: 10, arbitrary: plausibleRow.map((fields) => (index: number) => ({ fields: fields(index), plausible: true })) },
  {
    weight: 10,
    arbitrary: fc.tuple(plausibleRow, fc.array(hostileColumn, { minLength: 1, maxLength: 4 })).map(([fields, changes]) => (index: number) => {
      const changed = fields(index);
      for (const [column, text] of changes) changed[column] = text;
      return { fields: changed, plausible: false };
    }),
  },
  // A record with a field too few (the portal never writes one, but a broken line could).
  { weight: 1, arbitrary: plausibleRow.map((fields) => (index: number) => ({ fields: fields(index).slice(0, 11), plausible: false })) },
  // The previous record again: its key twice in the file (both rows rejected, as DUPLICATE_KEY).
  {
    weight: 1,
    arbitrary: plausibleRow.map((fields) => (index: number, previous: GeneratedRow | undefined) => {
      if (previous === undefined) return { fields: fields(index), plausible: true };
      previous.plausible = false;
      return { fields: [...previous.fields], plausible: false };
    }),
  },
);

/**
 * An export of `min` to `max` rows. Its last record is whole: a file ending in a short record
 * was cut short, and is refused as a whole (EXPORT_INCOMPLETE), which is not this generator's subject.
 */
export function generatedExport(min: number, max: number): fc.Arbitrary<GeneratedRow[]> {
  return fc.array(rowDraft, { minLength: min, maxLength: max }).map((drafts) => {
    const rows: GeneratedRow[] = [];
    drafts.forEach((draft, i) => {
      const row = draft(i, rows.at(-1));
      rows.push(i === drafts.length - 1 && row.fields.length < 12 ? { ...row, fields: [...row.fields, ""] } : row);
    });
    return rows;
  });
}
