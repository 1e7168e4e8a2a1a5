import { describe, expect, it } from "vitest";
import { SyncError } from "@crm-sync/errors";
import { findChromium } from "./chromium.ts";

describe("findChromium", () => {
  it("prefers CHROMIUM_PATH, then Debian's chromium", () => {
    expect(findChromium("/opt/chrome/chrome", (path) => path === "/opt/chrome/chrome" || path === "/usr/bin/chromium")).toBe("/opt/chrome/chrome");
    expect(findChromium(undefined, (path) => path === "/usr/bin/chromium")).toBe("/usr/bin/chromium");
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
    expect((caught as SyncError).message).toMatch(/No Chromium found.*CHROMIUM_PATH.*playwright install chromium/);
  });
});
