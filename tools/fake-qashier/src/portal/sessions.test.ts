import { describe, expect, it } from "vitest";
import { createSessionStore } from "./sessions.ts";

describe("session store", () => {
  it("keeps a session active until its TTL has passed, then forgets it", () => {
    let now = 1_000;
    const sessions = createSessionStore(() => now);
    const token = sessions.create();

    now += 59_999;
    expect(sessions.isActive(token, 60_000)).toBe(true);
    now += 1;
    expect(sessions.isActive(token, 60_000)).toBe(false);
    expect(sessions.isActive(token, Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it("applies a TTL changed after login to sessions already open", () => {
    const sessions = createSessionStore(() => 5_000);
    const token = sessions.create();
    expect(sessions.isActive(token, 60_000)).toBe(true);
    expect(sessions.isActive(token, 0)).toBe(false);
  });

  it("rejects unknown, missing and ended tokens", () => {
    const sessions = createSessionStore();
    const token = sessions.create();
    expect(sessions.isActive("not-a-session", 60_000)).toBe(false);
    expect(sessions.isActive(undefined, 60_000)).toBe(false);
    sessions.end(token);
    expect(sessions.isActive(token, 60_000)).toBe(false);
  });
});
