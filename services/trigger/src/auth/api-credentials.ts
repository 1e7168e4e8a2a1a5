import { ROLES, type ApiToken, type Role, type ServiceAccountGrant } from "./roles.ts";

/** A token shorter than this is guessable or a placeholder; the trigger refuses to start with one. */
export const MIN_TOKEN_LENGTH = 24;

/** A token's name: what a run records as `requestedBy` and what logs show. */
const TOKEN_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/i;
const EMAIL = /^[^\s@=,]+@[^\s@=,]+\.[^\s@=,]+$/;

export type ParsedList<T> = { ok: true; entries: T[] } | { ok: false; problems: string[] };

const entriesOf = (text: string) => text.split(",").map((entry) => entry.trim()).filter((entry) => entry !== "");

function collect<T>(problems: string[], entries: T[]): ParsedList<T> {
  return problems.length === 0 ? { ok: true, entries } : { ok: false, problems };
}

/**
 * A token list (`API_TOKENS`, `API_VIEWER_TOKENS`, `API_APPROVER_TOKENS`): comma-separated
 * `name:token` entries, or bare tokens (the old format), which are named `<role>-token-<n>` by
 * position so nothing about the token itself is ever shown. Problems name the entry by its
 * position, never by its text: the text is a secret.
 */
export function parseTokenList(text: string, role: Role): ParsedList<ApiToken> {
  const problems: string[] = [];
  const entries: ApiToken[] = [];
  entriesOf(text).forEach((entry, index) => {
    const position = index + 1;
    const colon = entry.indexOf(":");
    const name = colon < 0 ? `${role}-token-${position}` : entry.slice(0, colon).trim();
    const token = colon < 0 ? entry : entry.slice(colon + 1).trim();
    if (!TOKEN_NAME.test(name)) {
      problems.push(`entry ${position}: the name before ':' may hold only letters, digits, '.', '_' and '-' (at most 63)`);
    } else if (token.length < MIN_TOKEN_LENGTH) {
      problems.push(`entry ${position}: the token is shorter than ${MIN_TOKEN_LENGTH} characters`);
    } else if (/\s/.test(token)) {
      problems.push(`entry ${position}: the token contains white space`);
    } else {
      entries.push({ name, role, token });
    }
  });
  return collect(problems, entries);
}

/**
 * `API_OIDC_SERVICE_ACCOUNTS`: comma-separated `email` (operator: what Cloud Scheduler and the
 * Vercel app need) or `email=role`.
 */
export function parseServiceAccountList(text: string): ParsedList<ServiceAccountGrant> {
  const problems: string[] = [];
  const entries: ServiceAccountGrant[] = [];
  entriesOf(text).forEach((entry, index) => {
    const position = index + 1;
    const [email = "", role = "operator", ...rest] = entry.split("=").map((part) => part.trim());
    if (!EMAIL.test(email) || rest.length > 0) {
      problems.push(`entry ${position}: expected a service account email, optionally followed by =${ROLES.join("|")}`);
    } else if (!(ROLES as readonly string[]).includes(role)) {
      problems.push(`entry ${position}: unknown role (use ${ROLES.join(", ")})`);
    } else if (entries.some((seen) => seen.email === email.toLowerCase())) {
      problems.push(`entry ${position}: the service account is listed twice; give it one role`);
    } else {
      entries.push({ email: email.toLowerCase(), role: role as Role });
    }
  });
  return collect(problems, entries);
}

/** Positions (per list) of tokens that appear more than once across all lists: one token must mean one role. */
export function repeatedTokens(lists: ReadonlyArray<{ variable: string; tokens: readonly ApiToken[] }>): string[] {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const { variable, tokens } of lists) {
    tokens.forEach(({ token }, index) => {
      const where = `${variable} entry ${index + 1}`;
      const first = seen.get(token);
      if (first === undefined) seen.set(token, where);
      else problems.push(`${where} repeats the token of ${first}`);
    });
  }
  return problems;
}
