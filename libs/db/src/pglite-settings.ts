/**
 * Server settings for the embedded database, after PGlite's own start-up parameters (which
 * already run it with fsync off). PGlite's `relaxedDurability` only changes its IndexedDB and
 * OPFS file systems; on Node its files are the OS's at once, so it would change nothing here.
 *
 * Memory: PGlite's WebAssembly memory starts at 128 MB (its build's minimum: `initialMemory`
 * cannot go lower) and never shrinks. shared_buffers lives in it: at the 128 MB default, opening a
 * 100k-customer directory took 414 MB RSS and a 100k-row load peaked at 866 MB; at 16 MB, 257 MB
 * and 750 MB, and the load took as long (its files are the OS page cache's to keep). At 16 MB a
 * 100k-row load, with every customer changed too, ran within the first 128 MB (measured
 * 2026-12-06); the rest of a process's peak was V8 compiling Postgres (EMBEDDED_NODE_FLAGS in
 * libs/config) and the JavaScript heap.
 */
export const PGLITE_SETTINGS: readonly string[] = ["shared_buffers=16MB"];

/** PGlite's defaults, then ours (a later `-c` wins). */
export function pgliteStartParams(defaults: readonly string[]): string[] {
  return [...defaults, ...PGLITE_SETTINGS.flatMap((setting) => ["-c", setting])];
}
