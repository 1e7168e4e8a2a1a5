/**
 * The Node options every service runs with (both Dockerfiles set NODE_OPTIONS to this; the local
 * stack and the benchmark use it too; test/deploy checks the Dockerfiles).
 *
 * A service streams files through short-lived objects. With V8's default young generation (up
 * to 32 MB a half) the loader's heap kept growing to 220 MB at a million rows although its live
 * data stayed under 70 MB; with 8 MB it stays near 130 MB at any size, at no cost in time.
 */
export const SERVICE_NODE_OPTIONS = "--max-semi-space-size=8";
