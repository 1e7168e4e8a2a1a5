import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "@crm-sync/contracts";
import { FAILURE_TEXT, formatDateTime, formatDuration, formatNumber, LANGUAGES, messageCatalog } from "./index.ts";

const THAI = /[\u0E00-\u0E7F]/;

describe("messages", () => {
  it("has plain words in Thai and English for every error code, the Thai ones in Thai script", () => {
    expect(Object.keys(FAILURE_TEXT).sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const [code, text] of Object.entries(FAILURE_TEXT)) {
      expect(text.what.th, code).toMatch(THAI);
      expect(text.todo.th, code).toMatch(THAI);
      expect(text.what.en, code).not.toMatch(THAI);
      expect(text.what.en, code).not.toBe(text.what.th);
    }
  });

  it("serves each language's catalog with no text of the other language", () => {
    for (const language of LANGUAGES) {
      const json = JSON.stringify(messageCatalog(language));
      expect(THAI.test(json.replaceAll(/"language":"\w+"/g, ""))).toBe(language === "th");
      expect(messageCatalog(language).requests.schedule).toBe(language === "th" ? "รอบอัตโนมัติประจำวัน" : "Daily schedule");
    }
  });

  it("writes times in Bangkok time whatever the server's zone, Thai dates in the Buddhist era", () => {
    const at = new Date("2026-12-06T23:30:00Z"); // 06:30 on 7 December in Bangkok (UTC+7)
    expect(formatDateTime(at, "en")).toBe("7 Dec 2026, 06:30");
    expect(formatDateTime(at, "th")).toContain("2569");
    expect(formatDateTime(at, "th")).toContain("06:30");
  });

  it("separates thousands and says durations in words", () => {
    expect(formatNumber(1234567, "en")).toBe("1,234,567");
    expect(formatNumber(1234567, "th")).toBe("1,234,567");
    expect(formatDuration(42_400, "en")).toBe("42 s");
    expect(formatDuration(185_000, "en")).toBe("3 min 5 s");
    expect(formatDuration(3_720_000, "th")).toBe("1 ชม. 2 นาที");
  });
});
