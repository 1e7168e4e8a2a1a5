/**
 * What a caller may do. Each role includes the ones before it:
 * - viewer: read runs, freshness, live status (and so use the dashboard);
 * - operator: also start a sync and replay the latest export (or a newer one);
 * - approver: also approve a held mass delete and replay an export older than the last one
 *   loaded (that undoes newer updates and may remove customers, so it is a deliberate act).
 */
export const ROLES = ["viewer", "operator", "approver"] as const;
export type Role = (typeof ROLES)[number];

export const roleAllows = (held: Role, needed: Role): boolean => ROLES.indexOf(held) >= ROLES.indexOf(needed);

/** The verified caller of an API request. `id` is never a secret: a token's name or a service account's email. */
export interface Caller {
  id: string;
  role: Role;
  kind: "api-token" | "service-account";
}

/** A static bearer token with the name it is known by (the name is what runs record, never the token). */
export interface ApiToken {
  name: string;
  role: Role;
  token: string;
}

/** A Google service account allowed to call the API with an ID token, and its role. */
export interface ServiceAccountGrant {
  email: string;
  role: Role;
}
