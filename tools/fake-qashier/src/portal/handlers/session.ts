import type { RequestHandler } from "express";
import type { PortalState } from "../portal-state.ts";
import { portalUi } from "../ui-text.ts";
import { isLoggedIn } from "../session-cookie.ts";

/** `GET /api/session`: whether this browser is logged in, and how the page should look today. */
export function sessionHandler(state: PortalState): RequestHandler {
  return (req, res) => {
    res.set("Cache-Control", "no-store").json({ authenticated: isLoggedIn(state, req), ui: portalUi(state.config) });
  };
}
