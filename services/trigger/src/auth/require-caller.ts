import type { RequestHandler, Response } from "express";
import type { Logger } from "@crm-sync/logging";
import type { OidcVerdict } from "./oidc-verifier.ts";
import type { Caller } from "./roles.ts";

export interface CallerChecks {
  tokenMatches: (token: string) => Caller | undefined;
  /** Absent when no OIDC audience is configured: only static tokens are accepted. */
  verifyIdToken?: (token: string) => Promise<OidcVerdict>;
}

function refuse(res: Response, status: 401 | 403, message: string): void {
  if (status === 401) res.set("www-authenticate", 'Bearer realm="crm-sync"');
  res.status(status).json({ error: { code: status === 401 ? "UNAUTHENTICATED" : "FORBIDDEN", message } });
}

/** The caller `requireCaller` verified; only routes behind it may ask. */
export function callerOf(res: Response): Caller {
  const caller = res.locals["caller"] as Caller | undefined;
  if (caller === undefined) throw new Error("callerOf: the route is not behind requireCaller");
  return caller;
}

/**
 * Every API route needs a caller: a static API token, or a Google ID token (a JWT, three
 * dot-separated parts) from an allowed service account. Only the Authorization header counts:
 * a token in the query string would end up in request logs and browser history. Refusals never
 * say which part failed beyond what a legitimate caller needs to fix its setup.
 */
export function requireCaller(checks: CallerChecks, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    const header = req.get("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1] === undefined) return refuse(res, 401, "A bearer token is required.");
    const token = match[1];
    const tokenCaller = checks.tokenMatches(token);
    if (tokenCaller !== undefined) {
      res.locals["caller"] = tokenCaller;
      return next();
    }
    const looksLikeJwt = token.split(".").length === 3;
    if (looksLikeJwt && checks.verifyIdToken !== undefined) {
      const verdict = await checks.verifyIdToken(token);
      if (verdict.ok) {
        res.locals["caller"] = { id: verdict.email, role: verdict.role, kind: "service-account" } satisfies Caller;
        return next();
      }
      logger.warn({ reason: verdict.reason, path: req.path }, "refused an ID token");
      return refuse(res, verdict.reason === "service account not allowed" ? 403 : 401, "The ID token was not accepted.");
    }
    logger.warn({ path: req.path }, "refused a bearer token");
    return refuse(res, 401, "The bearer token was not accepted.");
  };
}
