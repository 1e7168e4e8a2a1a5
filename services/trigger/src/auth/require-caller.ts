import type { RequestHandler } from "express";
import type { Logger } from "@crm-sync/logging";
import type { OidcVerdict } from "./oidc-verifier.ts";

export interface CallerChecks {
  tokenMatches: (token: string) => boolean;
  /** Absent when no OIDC audience is configured: only static tokens are accepted. */
  verifyIdToken?: (token: string) => Promise<OidcVerdict>;
}

function refuse(res: Parameters<RequestHandler>[1], status: 401 | 403, message: string): void {
  if (status === 401) res.set("www-authenticate", 'Bearer realm="crm-sync"');
  res.status(status).json({ error: { code: status === 401 ? "UNAUTHENTICATED" : "FORBIDDEN", message } });
}

/**
 * Every API route needs a caller: a static API token, or a Google ID token (a JWT, three
 * dot-separated parts) from an allowed service account. Refusals never say which part failed
 * beyond what a legitimate caller needs to fix its setup.
 */
export function requireCaller(checks: CallerChecks, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    const header = req.get("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1] === undefined) return refuse(res, 401, "A bearer token is required.");
    const token = match[1];
    if (checks.tokenMatches(token)) {
      res.locals["caller"] = "api-token";
      return next();
    }
    const looksLikeJwt = token.split(".").length === 3;
    if (looksLikeJwt && checks.verifyIdToken !== undefined) {
      const verdict = await checks.verifyIdToken(token);
      if (verdict.ok) {
        res.locals["caller"] = verdict.email;
        res.locals["serviceAccount"] = verdict.email;
        return next();
      }
      logger.warn({ reason: verdict.reason, path: req.path }, "refused an ID token");
      return refuse(res, verdict.reason === "service account not allowed" ? 403 : 401, "The ID token was not accepted.");
    }
    logger.warn({ path: req.path }, "refused a bearer token");
    return refuse(res, 401, "The bearer token was not accepted.");
  };
}
