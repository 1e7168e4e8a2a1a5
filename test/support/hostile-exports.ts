import fc from "fast-check";
import { exportCsv, exportLine, type ExportRow } from "./export-csv.ts";

/**
 * Fuzzed exports whose customers are written to be hard to scrub: phone numbers glued to names
 * and labels, quotes, Thai, CJK and emoji, control characters, emails inside addresses. Every
 * value is synthetic; each name carries a random surname, so a trace of it in output is a leak.
 */
export const HOSTILE_MODES = ["loads", "stray quote", "invalid dates", "one number for all", "cut short", "NUL in a name"] as const;
export type HostileMode = (typeof HOSTILE_MODES)[number];

export interface HostileExport {
  mode: HostileMode;
  rows: ExportRow[];
  /** Personal data hidden inside other fields (a number glued to a name, a surname), to watch as well. */
  alsoWatch: string[];
  bytes: Buffer;
}

const GIVEN = ["Quenby", "Ophira", "Thaddeus", "Wilhelmina", "Ximena", "Zebulon", "Isolde", "Cassius", "Marisol", "Leocadia"];
const OTHER_SCRIPTS = ["ภูริพัฒน์ศักดิ์", "วิภาวรรณนที", "王秀英", "佐藤花子", "김민준", "Nguyễn", "Ðorđe"];
const EMOJI = ["⛳", "🏌️‍♀️", "😀", "👩‍👩‍👧", "🇹🇭"];
const CONTROL = ["\u0001", "\u0007", "\u001b", "\u007f", "\u200b", "\u202e", "\t", "\u0085"];
const DOMAINS = ["example.test", "mail.example.co.th", "ตัวอย่าง.test"];

/** A distinctive surname: random letters, never a word the pipeline writes. */
const surname = fc.stringMatching(/^[A-Z][a-z]{6,9}$/);
/** A Thai mobile number, national form. */
const mobile = fc.tuple(fc.constantFrom("06", "08", "09"), fc.integer({ min: 10_000_000, max: 99_999_999 })).map(([prefix, rest]) => `${prefix}${rest}`);

/** The spellings a number takes in exports and in free text, glued ones included. */
const SPELLINGS: ReadonlyArray<(n: string) => string> = [
  (n) => n,
  (n) => `+66 ${n.slice(1, 3)} ${n.slice(3, 6)} ${n.slice(6)}`,
  (n) => `66${n.slice(1)}`,
  (n) => `+66${n.slice(1)}`,
  (n) => n.slice(1),
  (n) => `0066${n.slice(1)}`,
  (n) => `${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6)}`,
  (n) => `${n}abc`,
  (n) => `tel_${n}`,
  (n) => `x${n}`,
];
const spelledNumber = fc.tuple(mobile, fc.constantFrom(...SPELLINGS)).map(([n, spell]) => ({ digits: n, text: spell(n) }));

interface Person {
  row: ExportRow;
  alsoWatch: string[];
  /** A name safe to write unquoted (no quote, comma or line break), for the stray-quote record. */
  plainName: string;
}

const person = fc
  .record({
    given: fc.constantFrom(...GIVEN),
    family: surname,
    street: surname,
    phone: spelledNumber,
    gluedPhone: spelledNumber,
    gluedInAddress: spelledNumber,
    nameDecoration: fc.constantFrom("glued number", "hyphen number", "quoted nickname", "other script", "emoji", "control", "comma", "line break", "none"),
    addressDecoration: fc.constantFrom("number", "email", "line break", "other script", "emoji", "none"),
    control: fc.constantFrom(...CONTROL),
    script: fc.constantFrom(...OTHER_SCRIPTS),
    emoji: fc.constantFrom(...EMOJI),
    domain: fc.constantFrom(...DOMAINS),
    house: fc.integer({ min: 1, max: 999 }),
    moo: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    month: fc.integer({ min: 1, max: 12 }),
    year: fc.integer({ min: 2015, max: 2025 }),
  })
  .map((p): Person => {
    const base = `${p.given} ${p.family}`;
    const name = {
      "glued number": `${base}${p.gluedPhone.text}`,
      "hyphen number": `${base}-${p.gluedPhone.text}`,
      "quoted nickname": `${p.given} "${p.script}" ${p.family}`,
      "other script": `${base} ${p.script}`,
      emoji: `${p.emoji}${base}${p.emoji}`,
      control: `${p.given}${p.control}${p.family}`,
      comma: `${p.family}, ${p.given}`,
      "line break": `${p.given}\n${p.family}`,
      none: `${base}  `,
    }[p.nameDecoration];
    const email = `${p.family.toLowerCase()}.${p.gluedPhone.digits}@${p.domain}`;
    const street = `${p.house}/${p.moo} Moo ${p.moo} Soi ${p.street}`;
    const address = {
      number: `${street} โทร${p.gluedInAddress.text}`,
      email: `${street} contact:${p.family.toLowerCase()}@${p.domain}`,
      "line break": `${street}\nBangkok 10110`,
      "other script": `${street} ${p.script}`,
      emoji: `${street} ${p.emoji}`,
      none: street,
    }[p.addressDecoration];
    const pad = (n: number) => String(n).padStart(2, "0");
    return {
      row: { name, phone: p.phone.text, email, address, joined: `${pad(p.day)}/${pad(p.month)}/${p.year}` },
      alsoWatch: [p.family, p.street, p.gluedPhone.digits, p.gluedInAddress.digits, p.phone.digits, `${p.family.toLowerCase()}@${p.domain}`],
      plainName: `${base}-${p.gluedPhone.text} ${p.script}`,
    };
  });

function build(mode: HostileMode, people: Person[], nickname: string): HostileExport {
  const rows = people.map((p) => p.row);
  const alsoWatch = people.flatMap((p) => p.alsoWatch);
  const lines = (records: ExportRow[]) => exportCsv(records).toString("utf8");
  switch (mode) {
    case "loads":
      return { mode, rows, alsoWatch, bytes: exportCsv(rows) };
    case "stray quote": {
      // Like the portal bug behind the issue: one name written unquoted, with a quote inside.
      const at = Math.min(1, people.length - 1);
      const broken = { ...rows[at]!, name: people[at]!.plainName };
      const line = exportLine(broken).replace(`"${broken.name}"`, `${broken.name} "${nickname}"`);
      const text = lines(rows).replace(exportLine(rows[at]!), line);
      return { mode, rows: rows.map((row, i) => (i === at ? broken : row)), alsoWatch, bytes: Buffer.from(text) };
    }
    case "invalid dates":
      return { mode, rows, alsoWatch, bytes: exportCsv(rows.map((row) => ({ ...row, joined: "31/13/2021", birth: "1990-02-30" }))) };
    case "one number for all":
      return { mode, rows, alsoWatch, bytes: exportCsv(rows.map((row) => ({ ...row, phone: rows[0]!.phone }))) };
    case "cut short": {
      // The download stopped inside the last customer's name.
      const text = lines(rows);
      const last = rows.at(-1)!;
      const start = text.lastIndexOf(`"${last.name.replaceAll('"', '""')}"`);
      if (start < 0) throw new Error("the last customer's name is not in the export");
      const cut = start + 1 + Math.ceil(last.name.length / 2);
      return { mode, rows, alsoWatch, bytes: Buffer.from(text.slice(0, cut)) };
    }
    case "NUL in a name": {
      const withNul = rows.map((row, i) => (i === 0 ? { ...row, name: `${row.name.trim()}\u0000${GIVEN[0]}` } : row));
      return { mode, rows: withNul, alsoWatch, bytes: exportCsv(withNul) };
    }
  }
}

/** `perMode` exports of every mode, from `seed` (printed by the test, so a leak can be replayed). */
export function hostileExports(seed: number, perMode: number): HostileExport[] {
  return HOSTILE_MODES.flatMap((mode, i) =>
    fc.sample(
      fc.tuple(fc.array(person, { minLength: 3, maxLength: 9 }), surname).map(([people, nickname]) => build(mode, people, nickname)),
      { seed: seed + i, numRuns: perMode },
    ),
  );
}
