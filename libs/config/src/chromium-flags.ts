/**
 * Chromium's flags wherever this project starts it (the scraper, and the tests that drive the
 * dashboard): keep it from reaching for networks and services a container does not have.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
