import { createClient } from "@supabase/supabase-js";

/** The app's signed-in staff member, as the route handlers need them. */
export interface StaffSession {
  /** Recorded as the run's `requestedBy` (an email or user id: staff, never a customer). */
  label: string;
  /** The Supabase access token: status is read with it, so row level security applies. */
  accessToken: string;
}

/** The app's own session check; null means nobody is signed in (the route answers 401). */
export type GetSession = (request: Request) => Promise<StaffSession | null>;

export function bearerToken(request: Request): string | undefined {
  return /^Bearer (\S+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
}

/**
 * A Supabase Auth session sent as `Authorization: Bearer <access_token>` (what the button sends),
 * checked with Supabase Auth itself (`auth.getUser`), so an expired or forged token is refused
 * before anything is published. Apps with cookie sessions (@supabase/ssr) pass their own GetSession.
 */
export function supabaseSession(options: { url: string; anonKey: string; fetch?: typeof fetch }): GetSession {
  const client = createClient(options.url, options.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    ...(options.fetch === undefined ? {} : { global: { fetch: options.fetch } }),
  });
  return async (request) => {
    const accessToken = bearerToken(request);
    if (accessToken === undefined) return null;
    const { data, error } = await client.auth.getUser(accessToken);
    if (error !== null || data.user === null) return null;
    return { label: data.user.email ?? data.user.id, accessToken };
  };
}
