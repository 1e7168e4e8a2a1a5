import { chromium } from "playwright";
import { describe, expect, it } from "vitest";
import { SyncError } from "@crm-sync/errors";
import { findChromium } from "./chromium.ts";

const SHELL = "/usr/bin/chromium-headless-shell";
const FULL = "/usr/bin/chromium";

describe("findChromium", () => {
  it("prefers CHROMIUM_PATH, then Debian's headless shell, then Debian's chromium", () => {
    expect(findChromium("/opt/chrome/chrome", (path) => path === "/opt/chrome/chrome" || path === SHELL)).toBe("/opt/chrome/chrome");
    expect(findChromium(undefined, (path) => path === SHELL || path === FULL)).toBe(SHELL);
    expect(findChromium(undefined, (path) => path === FULL)).toBe(FULL);
  });

  it("leaves the choice to Playwright when only its own browsers are installed, so it launches its headless shell", () => {
    expect(findChromium(undefined, (path) => path === chromium.executablePath())).toBeUndefined();
  });

  it("fails clearly when CHROMIUM_PATH points nowhere", () => {
    expect(() => findChromium("/nope/chromium", () => false)).toThrow(/CHROMIUM_PATH points at \/nope\/chromium/);
  });

  it("says what to install when no browser exists at all", () => {
    let caught: unknown;
    try {
      findChromium(undefined, () => false);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SyncError);
    expect((caught as SyncError).message).toMatch(/No Chromium found.*CHROMIUM_PATH.*chromium-headless-shell.*playwright install chromium/);
  });
});
