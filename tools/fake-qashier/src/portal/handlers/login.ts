import { timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { z } from "zod";
import type { Logger } from "@crm-sync/logging";
import type { PortalState } from "../portal-state.ts";
import { SESSION_COOKIE, sessionToken } from "../session-cookie.ts";

const LoginBody = z.object({ username: z.string(), password: z.string() });

/** Byte-exact UTF-8 comparison: a non-ASCII password must arrive intact, not normalized or re-encoded. */
function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given, "utf8");
  const b = Buffer.from(expected, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

export function loginHandler(state: PortalState, logger: Logger): RequestHandler {
  return (req, res) => {
    const body = LoginBody.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: "username and password are required" });
      return;
    }
    const { config } = state;
    const accepted =
      config.variant !== "wrong-credentials" && sameText(body.data.username, config.username) && sameText(body.data.password, config.password);
    if (!accepted) {
      logger.info({ variant: config.variant }, "login rejected");
      res.status(401).json({ error: "Invalid username or password" });
      return;
    }
    state.sessions.end(sessionToken(req));
    const token = state.sessions.create();
    state.recordLogin();
    logger.info("login accepted");
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: "lax", path: "/" });
    res.status(200).json({ ok: true });
  };
}

export function logoutHandler(state: PortalState): RequestHandler {
  return (req, res) => {
    state.sessions.end(sessionToken(req));
    res.clearCookie(SESSION_COOKIE, { path: "/" });
    res.status(204).end();
  };
}
