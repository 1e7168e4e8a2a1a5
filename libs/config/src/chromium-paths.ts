/**
 * Debian's browsers, in the order this project launches them. The headless shell comes first:
 * it is the build Playwright itself launches for `headless: true`, and it opens its first page
 * in about half the time of the full browser's headless mode (the scrape's start-up cost).
 */
export const DEBIAN_CHROMIUM_PATHS: readonly string[] = ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium"];
