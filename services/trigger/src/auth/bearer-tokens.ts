import { createHash, timingSafeEqual } from "node:crypto";
import type { ApiToken, Caller } from "./roles.ts";

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/**
 * Static API tokens, several at once so a token can be rotated without downtime. Comparing
 * fixed-length digests with timingSafeEqual leaks neither a token's content nor its length,
 * and every token is compared so the match position does not show in the timing either.
 * Answers the matching token's caller (its name and role), never the token.
 */
export function createTokenCheck(tokens: readonly ApiToken[]): (presented: string) => Caller | undefined {
  const expected = tokens.filter(({ token }) => token !== "").map(({ name, role, token }) => ({ caller: { id: name, role, kind: "api-token" as const }, digest: digest(token) }));
  return (presented) => {
    const candidate = digest(presented);
    let matched: Caller | undefined;
    for (const entry of expected) {
      if (timingSafeEqual(entry.digest, candidate) && matched === undefined) matched = entry.caller;
    }
    return matched;
  };
}
