import type { ErrorRequestHandler, Response } from "express";
import { toSyncError } from "@crm-sync/errors";
import type { Logger } from "@crm-sync/logging";

export function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/** Last in the chain: bad bodies are the caller's fault (4xx); the rest is ours, with a stable code. */
export function apiErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const status = (error as { status?: unknown }).status;
    const type = (error as { type?: unknown }).type;
    if (status === 413 || type === "entity.too.large") return sendError(res, 413, "BODY_TOO_LARGE", "The request body is too large.");
    if (typeof status === "number" && status >= 400 && status < 500) {
      return sendError(res, status, "INVALID_REQUEST", "The request body is not valid JSON.");
    }
    const failure = toSyncError(error);
    logger.error({ err: failure, code: failure.code }, "request failed");
    sendError(res, failure.retryable ? 503 : 500, failure.code, failure.message);
  };
}
