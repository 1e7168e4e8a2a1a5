/**
 * Deterministic but incompressible text: a seeded generator's code points from [from, to].
 * Postgres compresses large index entries, so a long run of one letter would hide a limit that
 * random text of the same length breaks.
 */
export function randomText(length: number, from: number, to: number, seed: number): string {
  let state = seed >>> 0;
  const points: number[] = [];
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    points.push(from + ((state >>> 8) % (to - from + 1)));
  }
  return String.fromCodePoint(...points);
}

/** Ranges of code points the hostile generators draw long text from. */
export const SCRIPTS = {
  letters: [0x61, 0x7a],
  thai: [0x0e01, 0x0e2e],
  cjk: [0x4e00, 0x9fff],
  /** Fullwidth Latin letters: one character on screen, three bytes in UTF-8. */
  wide: [0xff21, 0xff5a],
  emoji: [0x1f600, 0x1f64f],
} as const satisfies Record<string, readonly [number, number]>;
