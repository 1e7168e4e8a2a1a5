import type { RequestHandler, Response } from "express";
import type { Logger } from "@crm-sync/logging";
import { callerOf } from "./require-caller.ts";
import { roleAllows, type Role } from "./roles.ts";

/** The stable code of every refusal for want of a role (403, not 401: the caller is known). */
export const ROLE_REQUIRED = "ROLE_REQUIRED";

/** Answers 403 naming the role the action needs and the role the caller has. */
export function refuseForRole(res: Response, logger: Logger, needed: Role, action: string): void {
  const caller = callerOf(res);
  // The caller's id is a token name or a service account email, never a secret.
  logger.warn({ caller: caller.id, role: caller.role, needed, action }, "refused a caller without the role");
  res.status(403).json({
    error: { code: ROLE_REQUIRED, message: `${action} needs the ${needed} role; these credentials have the ${caller.role} role.` },
  });
}

/** Lets the request through when the verified caller's role includes `needed`. */
export function requireRole(needed: Role, action: string, logger: Logger): RequestHandler {
  return (_req, res, next) => {
    if (roleAllows(callerOf(res).role, needed)) return next();
    refuseForRole(res, logger, needed, action);
  };
}
