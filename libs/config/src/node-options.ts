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
 * embedded process peaked near 750 MB whatever it loaded (a 1k-row `crm-sync load`: 746 MB).
 * Without TurboFan that load peaks at 172 MB and 100k rows at 229 MB (bench medians). The price
 * is slower Postgres code where a load computes a lot: 100k rows with every customer changed
 * took 13 s with TurboFan and 17–26 s without on the busy bench host. Where little changed, which
 * is most days, it was faster (100k rows, 1% changed: 4.0 s against 8.0 s; 1k rows: 0.77 s
 * against 1.17 s), with no second of compiling beside the load on 2 cores.
 * Measured 2026-12-06 (README, Benchmarks).
 */
export const EMBEDDED_NODE_FLAGS: readonly string[] = ["--liftoff-only", SERVICE_NODE_OPTIONS];
