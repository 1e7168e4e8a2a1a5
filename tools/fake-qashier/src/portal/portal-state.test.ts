import { describe, expect, it } from "vitest";
import { createPortalState } from "./portal-state.ts";

describe("portal state", () => {
  const options = { username: "office", password: "first", customers: { seed: 1, count: 1 } };

  it("logs every session out when the password changes, like the real portal", () => {
    const state = createPortalState(options);
    const token = state.sessions.create();
    state.setVariant("slow");
    expect(state.sessions.isActive(token, 60_000)).toBe(true);
    state.setPassword("second");
    expect(state.sessions.isActive(token, 60_000)).toBe(false);
  });
});
