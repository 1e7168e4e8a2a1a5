import type { RequestHandler } from "express";
import { callerOf } from "../auth/require-caller.ts";

/** `GET /v1/me`: who the page is signed in as (a token's name or a service account's email) and its role. */
export function whoAmI(): RequestHandler {
  return (_req, res) => {
    const caller = callerOf(res);
    res.json({ name: caller.id, role: caller.role });
  };
}
