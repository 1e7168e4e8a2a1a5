import { describe, expect, it } from "vitest";
import { applyPatch, DEFAULT_SESSION_TTL_MS, PortalConfigPatch, portalConfig } from "./portal-config.ts";

const base = portalConfig({ username: "desk@example.com", password: "secret", customers: { seed: 1, count: 10 } });

describe("portal configuration", () => {
  it("defaults to the healthy portal with long sessions and attachment downloads", () => {
    expect(base).toMatchObject({ variant: "ok", downloadMode: "attachment", sessionTtlMs: DEFAULT_SESSION_TTL_MS });
  });

  it("changes only what a patch names", () => {
    const next = applyPatch(base, { count: 500, variant: "slow" });
    expect(next).toEqual({ ...base, customers: { seed: 1, count: 500 }, variant: "slow" });
  });

  it("refuses unknown variants, unknown keys and negative counts", () => {
    expect(PortalConfigPatch.safeParse({ variant: "on-fire" }).success).toBe(false);
    expect(PortalConfigPatch.safeParse({ admin: true }).success).toBe(false);
    expect(PortalConfigPatch.safeParse({ count: -1 }).success).toBe(false);
    expect(PortalConfigPatch.safeParse({ password: "ราคา", downloadMode: "blob" }).success).toBe(true);
  });
});
