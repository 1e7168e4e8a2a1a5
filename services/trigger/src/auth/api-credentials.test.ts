import { describe, expect, it } from "vitest";
import { MIN_TOKEN_LENGTH, parseServiceAccountList, parseTokenList, repeatedTokens } from "./api-credentials.ts";

const long = (tag: string) => `${tag}-${"k".repeat(MIN_TOKEN_LENGTH)}`;

describe("parseTokenList", () => {
  it("reads name:token entries and names bare tokens by position, never by content", () => {
    expect(parseTokenList(` vercel:${long("a")} ,, ${long("b")} `, "operator")).toEqual({
      ok: true,
      entries: [
        { name: "vercel", role: "operator", token: long("a") },
        { name: "operator-token-2", role: "operator", token: long("b") },
      ],
    });
    expect(parseTokenList("", "viewer")).toEqual({ ok: true, entries: [] });
  });

  it("keeps colons after the first one as part of the token", () => {
    expect(parseTokenList(`ops:${long("x")}:tail`, "approver")).toEqual({ ok: true, entries: [{ name: "ops", role: "approver", token: `${long("x")}:tail` }] });
  });

  it("reports every bad entry by position, without quoting it", () => {
    const short = "tooshort-secret";
    const parsed = parseTokenList(`${short},bad name:${long("c")},ok:${long("d")},:${long("e")}`, "operator");
    expect(parsed).toEqual({
      ok: false,
      problems: [
        `entry 1: the token is shorter than ${MIN_TOKEN_LENGTH} characters`,
        "entry 2: the name before ':' may hold only letters, digits, '.', '_' and '-' (at most 63)",
        "entry 4: the name before ':' may hold only letters, digits, '.', '_' and '-' (at most 63)",
      ],
    });
    expect(JSON.stringify(parsed)).not.toContain(short);
  });

  it("counts a named token's length without its name", () => {
    expect(parseTokenList(`a-rather-long-name:${"s".repeat(MIN_TOKEN_LENGTH - 1)}`, "operator").ok).toBe(false);
  });
});

describe("parseServiceAccountList", () => {
  it("gives a bare email the operator role and reads email=role", () => {
    expect(parseServiceAccountList("a@p.iam.gserviceaccount.com, B@p.iam.gserviceaccount.com = viewer")).toEqual({
      ok: true,
      entries: [
        { email: "a@p.iam.gserviceaccount.com", role: "operator" },
        { email: "b@p.iam.gserviceaccount.com", role: "viewer" },
      ],
    });
  });

  it("refuses a service account listed twice (which role would win?)", () => {
    expect(parseServiceAccountList("a@p.example, A@p.example=approver")).toEqual({ ok: false, problems: ["entry 2: the service account is listed twice; give it one role"] });
  });

  it("refuses unknown roles and entries that are not emails", () => {
    expect(parseServiceAccountList("a@p.example=root,no-at-sign,c@p.example=viewer=approver")).toMatchObject({ ok: false, problems: [expect.stringContaining("entry 1"), expect.stringContaining("entry 2"), expect.stringContaining("entry 3")] });
  });
});

describe("repeatedTokens", () => {
  it("names both places a token appears, not the token", () => {
    const token = long("same");
    const problems = repeatedTokens([
      { variable: "API_TOKENS", tokens: [{ name: "a", role: "operator", token }] },
      { variable: "API_APPROVER_TOKENS", tokens: [{ name: "b", role: "approver", token: long("other") }, { name: "c", role: "approver", token }] },
    ]);
    expect(problems).toEqual(["API_APPROVER_TOKENS entry 2 repeats the token of API_TOKENS entry 1"]);
  });
});
