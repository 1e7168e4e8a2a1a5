import express, { Router, type ErrorRequestHandler, type RequestHandler } from "express";
import type { EventType } from "@crm-sync/contracts";
import type { Logger } from "@crm-sync/logging";
import { deliverRaw, eventToRawHandler } from "../deliver.ts";
import { pushPath } from "../topology/service-subscriptions.ts";
import type { EventHandler, RawHandler } from "../types.ts";
import type { OidcVerifier } from "./oidc-verifier.ts";
import { AttemptCounter } from "./attempt-counter.ts";
import { decodePushEnvelope } from "./push-envelope.ts";

export interface RawPushHandlerOptions {
  topic: string;
  handler: RawHandler;
  logger: Logger;
  /** Required: pass `createOidcVerifier({ enabled: false })` to switch the check off explicitly. */
  verifier: OidcVerifier;
  /** Defaults to `/pubsub/<topic>`. */
  path?: string;
  /** Body size limit; Pub/Sub messages here are small events. */
  limit?: string;
}

export interface PushHandlerOptions<T extends EventType> extends Omit<RawPushHandlerOptions, "topic" | "handler"> {
  topic: T;
  handler: EventHandler<T>;
}

/**
 * `POST /pubsub/<topic>` for a Pub/Sub push subscription. The status is the outcome Pub/Sub
 * acts on: 204 acknowledges, 500 asks for redelivery with backoff (and, after the last
 * attempt, dead-lettering). A request that is not a valid message gets 204 and one logged
 * rejection, because redelivering it could never succeed.
 */
export function pushRawHandler(options: RawPushHandlerOptions): Router {
  return pushRouter(options, () => options.handler);
}

/** The contract-validating push endpoint: the event reaches `handler` parsed, or is logged and acked. */
export function pushHandler<T extends EventType>(options: PushHandlerOptions<T>): Router {
  const { topic, handler, logger } = options;
  return pushRouter(options, (subscription) => eventToRawHandler({ topic, subscription, logger }, handler));
}

function pushRouter(options: Omit<RawPushHandlerOptions, "handler">, handlerFor: (subscription: string) => RawHandler): Router {
  const { topic, logger, verifier } = options;
  const router = Router();
  const attempts = new AttemptCounter();

  const authenticate: RequestHandler = async (req, res, next) => {
    const check = await verifier.verify(req.get("authorization"));
    if (check.ok) return next();
    logger.warn({ topic, status: check.status, reason: check.reason }, "refused a push request that failed the OIDC check");
    res.status(check.status).end();
  };

  const deliver: RequestHandler = async (req, res) => {
    const decoded = decodePushEnvelope(req.body, (subscription, messageId) => attempts.next(subscription, messageId));
    if (!decoded.ok) {
      logger.warn({ topic, reason: decoded.reason }, "rejected an invalid push request; acknowledged so it is not redelivered");
      res.status(204).end();
      return;
    }
    const outcome = await deliverRaw({ topic, subscription: decoded.subscription, logger }, handlerFor(decoded.subscription), decoded.message);
    if (outcome === "ack") attempts.forget(decoded.subscription, decoded.message.messageId);
    res.status(outcome === "ack" ? 204 : 500).end();
  };

  const badBody: ErrorRequestHandler = (error: { type?: string; status?: number }, _req, res, next) => {
    if (error.type === "entity.parse.failed") {
      logger.warn({ topic, reason: "body is not JSON" }, "rejected an invalid push request; acknowledged so it is not redelivered");
      res.status(204).end();
      return;
    }
    if (error.type === "entity.too.large") {
      logger.warn({ topic, reason: "body too large" }, "refused a push request over the size limit");
      res.status(413).end();
      return;
    }
    next(error);
  };

  router.post(options.path ?? pushPath(topic), authenticate, express.json({ limit: options.limit ?? "1mb", type: () => true }), deliver, badBody);
  return router;
}
