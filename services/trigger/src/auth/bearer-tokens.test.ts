import { describe, expect, it } from "vitest";
import { createTokenCheck } from "./bearer-tokens.ts";
import { roleAllows } from "./roles.ts";

const viewer = { name: "board", role: "viewer", token: "viewer-token-0123456789abcdef" } as const;
const approver = { name: "oncall", role: "approver", token: "approver-token-0123456789abcd" } as const;

describe("createTokenCheck", () => {
  it("answers the matching token's name and role, never the token", () => {
    const check = createTokenCheck([viewer, approver]);
    expect(check(approver.token)).toEqual({ id: "oncall", role: "approver", kind: "api-token" });
    expect(check(viewer.token)).toEqual({ id: "board", role: "viewer", kind: "api-token" });
  });

  it("matches nothing else: not a prefix, not a near miss, not the name, not an empty string", () => {
    const check = createTokenCheck([viewer, approver, { name: "blank", role: "approver", token: "" }]);
    for (const presented of [approver.token.slice(0, -1), `${approver.token}x`, "oncall", ""]) expect(check(presented)).toBeUndefined();
  });
});

describe("roleAllows", () => {
  it("orders viewer < operator < approver", () => {
    expect(roleAllows("approver", "operator")).toBe(true);
    expect(roleAllows("operator", "operator")).toBe(true);
    expect(roleAllows("operator", "approver")).toBe(false);
    expect(roleAllows("viewer", "operator")).toBe(false);
    expect(roleAllows("viewer", "viewer")).toBe(true);
  });
});
