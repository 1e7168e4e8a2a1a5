import type { Request, RequestHandler } from "express";
import { parseCookie } from "cookie";
import type { PortalState } from "./portal-state.ts";

export const SESSION_COOKIE = "qashier_session";

export function sessionToken(req: Request): string | undefined {
  const header = req.headers.cookie;
  return header === undefined ? undefined : parseCookie(header)[SESSION_COOKIE];
}

export function isLoggedIn(state: PortalState, req: Request): boolean {
  return state.sessions.isActive(sessionToken(req), state.config.sessionTtlMs);
}

/** API routes behind the login answer 401 JSON, which the page turns into the login hash. */
export function requireSession(state: PortalState): RequestHandler {
  return (req, res, next) => {
    if (isLoggedIn(state, req)) return next();
    res.status(401).json({ error: "unauthenticated" });
  };
}
