import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module the browser loads as is (no build step, no types).
import { TEXTS } from "./texts.js";

const THAI = /[\u0E00-\u0E7F]/;
const texts = TEXTS as Record<"th" | "en", Record<string, string>>;
const DIR = fileURLToPath(new URL(".", import.meta.url));

describe("the dashboard's own texts", () => {
  it("have every key in both Thai and English, Thai ones in Thai script", () => {
    expect(Object.keys(texts.th).sort()).toEqual(Object.keys(texts.en).sort());
    for (const [key, text] of Object.entries(texts.th)) {
      if (key !== "run.name" && key !== "run.requestedByWho" && key !== "run.byAt") expect(text, key).toMatch(THAI);
      expect(texts.en[key], key).not.toMatch(THAI);
      // The same placeholders in both languages.
      expect([...(texts.en[key] ?? "").matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort(), key).toEqual([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort());
    }
  });

  it("cover every literal key the page's modules and HTML ask for", () => {
    const source = readdirSync(DIR).filter((file) => file.endsWith(".js") || file.endsWith(".html")).map((file) => readFileSync(`${DIR}${file}`, "utf8")).join("\n");
    const used = new Set([...source.matchAll(/\bt\("([^"]+)"/g), ...source.matchAll(/data-text="([^"]+)"/g)].map((m) => m[1]));
    expect([...used].filter((key) => key !== undefined && !(key in texts.en))).toEqual([]);
  });
});
