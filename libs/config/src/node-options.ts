/**
 * The Node options every service runs with (both Dockerfiles set NODE_OPTIONS to this; the local
 * stack and the benchmark use it too; test/deploy checks the Dockerfiles).
 *
 * A service streams files through short-lived objects. With V8's default young generation (up
 * to 32 MB a half) the loader's heap kept growing to 220 MB at a million rows although its live
 * data stayed under 70 MB; with 8 MB it stays near 130 MB at any size, at no cost in time.
 */
export const SERVICE_NODE_OPTIONS = "--max-semi-space-size=8";

/**
 * The Node flags of a process that runs PGlite (`crm-sync`: apps/cli/bin/crm-sync.js passes them
 * on its `#!` line, a test checks it). V8 flags only: Node refuses `--liftoff-only` in NODE_OPTIONS.
 *
 * `--liftoff-only` keeps PGlite's WebAssembly on V8's baseline compiler. By default V8 recompiles
 * hot functions with TurboFan in the background, and one of Postgres's functions (wasm function
 * 2273, 105 kB of code) alone takes about 600 MB of compiler memory and a second of CPU: every
 * embedded process peaked near 750 MB whatever it loaded, and a 1k-row `crm-sync load` peaked at
 * 746 MB. Without TurboFan the same load peaks at 178 MB and 100k rows at 272 MB. The price is
 * slower Postgres code where a load computes a lot: 100k rows with every customer changed took
 * 13 s with TurboFan and 17–26 s without on the bench host; where little changed, which is
 * most days, it is faster (no second of compiling on a 2-core machine).
 * Measured 2026-12-06 (README, Benchmarks).
 */
export const EMBEDDED_NODE_FLAGS: readonly string[] = ["--liftoff-only", SERVICE_NODE_OPTIONS];
