import express, { type Express } from "express";
import { DEAD_LETTER_TOPIC, subscriptionName } from "@crm-sync/contracts";
import { pushHandler, pushRawHandler, type EventBus, type EventHandler, type OidcVerifier, type RawHandler, type Subscription } from "@crm-sync/bus/local";
import type { Database } from "@crm-sync/db";
import type { Logger } from "@crm-sync/logging";
import { healthRouter } from "@crm-sync/server";
import type { NotifierContext } from "./context.ts";
import { createWebhookChat, type WebhookChatOptions } from "./chat/webhook-chat.ts";
import type { AlertLinks } from "./domain/alert-facts.ts";
import { DEFAULT_POLICY, type PolicySettings } from "./domain/policy.ts";
import { deadLetterHandler } from "./handlers/dead-letter.ts";
import { stalenessCheckRoute } from "./handlers/staleness-check.ts";
import { syncCompletedHandler } from "./handlers/sync-completed.ts";
import { syncFailedHandler } from "./handlers/sync-failed.ts";
import { emailChannel } from "./mail/email-channel.ts";
import type { Mailer } from "./mail/mailer.ts";
import { createOutboxSender } from "./outbox-sender.ts";
import { flushAll } from "./raise-alert.ts";
import { checkStaleness, startStalenessWatch, type StalenessResult, type StalenessWatch } from "./staleness-watch.ts";
import { createAlertStore } from "./store/alert-store.ts";
import { createChatOutboxStore, createOutboxStore } from "./store/outbox-store.ts";

export type { Mailer, OutgoingEmail } from "./mail/mailer.ts";
export { createSmtpMailer } from "./mail/smtp-mailer.ts";
export { createEmlOutboxMailer } from "./mail/eml-outbox-mailer.ts";
export type { StalenessResult } from "./staleness-watch.ts";
export type { WebhookChatOptions } from "./chat/webhook-chat.ts";

export interface NotifierDeps {
  db: Database;
  mailer: Mailer;
  logger: Logger;
  links: AlertLinks;
  /** The chat alert channel (Slack / Google Chat incoming webhook); absent: email only. */
  chat?: WebhookChatOptions;
  policy?: Partial<PolicySettings>;
  /** Injectable for tests; every alert decision reads the time from here. */
  clock?: () => Date;
  /** Pull mode (embedded InMemoryBus, or PubSubBus): `start()` subscribes to the notifier's topics. */
  bus?: EventBus;
  /** Push mode: serve `POST /pubsub/<topic>` for Pub/Sub push subscriptions, checked by this verifier. */
  push?: { verifier: OidcVerifier };
  /** In-process staleness watch interval; null leaves it to Cloud Scheduler's `POST /v1/staleness-check`. */
  staleCheckIntervalMs?: number | null;
  /** Checks Cloud Scheduler's ID token on `POST /v1/staleness-check`; null or absent turns the endpoint off. */
  scheduler?: { verifier: OidcVerifier | null };
}

export interface Notifier {
  app: Express;
  handlers: { syncFailed: EventHandler<"sync-failed">; syncCompleted: EventHandler<"sync-completed">; deadLetter: RawHandler };
  checkStaleness(): Promise<StalenessResult>;
  /** Sends whatever is queued on both channels (e.g. after the mail server or the webhook came back). */
  flushOutbox(): Promise<void>;
  /** Subscribes (pull mode) and starts the staleness watch. */
  start(): Promise<void>;
  /** Stops the watch and the subscriptions, waits for in-flight handlers, closes the mailer. Not the database or bus: the caller owns those. */
  stop(): Promise<void>;
}

/** Failure alerts (email, and chat when configured) once per state change, recovery, dead letters and staleness; see DESIGN.md. */
export function createNotifier(deps: NotifierDeps): Notifier {
  const outbox = createOutboxStore(deps.db.sql);
  const ctx: NotifierContext = {
    alerts: createAlertStore(deps.db.sql),
    outbox,
    sender: createOutboxSender({ outbox, channel: emailChannel(deps.mailer), logger: deps.logger }),
    chatSender:
      deps.chat === undefined
        ? null
        : createOutboxSender({ outbox: createChatOutboxStore(deps.db.sql), channel: createWebhookChat(deps.chat), logger: deps.logger }),
    clock: deps.clock ?? (() => new Date()),
    policy: { ...DEFAULT_POLICY, ...deps.policy },
    links: deps.links,
    logger: deps.logger,
  };
  const handlers = {
    syncFailed: syncFailedHandler(ctx),
    syncCompleted: syncCompletedHandler(ctx),
    deadLetter: deadLetterHandler(ctx),
  };

  const app = express();
  app.disable("x-powered-by");
  app.use(healthRouter("notifier", { database: async () => void (await deps.db.sql`select 1`) }));
  app.use(stalenessCheckRoute(ctx, deps.scheduler?.verifier ?? null));
  if (deps.push !== undefined) {
    const { verifier } = deps.push;
    app.use(pushHandler({ topic: "sync-failed", handler: handlers.syncFailed, logger: deps.logger, verifier }));
    app.use(pushHandler({ topic: "sync-completed", handler: handlers.syncCompleted, logger: deps.logger, verifier }));
    app.use(pushRawHandler({ topic: DEAD_LETTER_TOPIC, handler: handlers.deadLetter, logger: deps.logger, verifier }));
  }

  let subscriptions: Subscription[] = [];
  let watch: StalenessWatch | undefined;

  return {
    app,
    handlers,
    checkStaleness: () => checkStaleness(ctx),
    flushOutbox: () => flushAll(ctx),
    async start() {
      if (deps.bus !== undefined) {
        const bus = deps.bus;
        subscriptions = [
          await bus.subscribe("sync-failed", subscriptionName("notifier", "sync-failed"), handlers.syncFailed),
          await bus.subscribe("sync-completed", subscriptionName("notifier", "sync-completed"), handlers.syncCompleted),
          // Dead letters are retried until they are alerted, never dead-lettered again (that
          // would loop); the Pub/Sub topology gives this subscription no dead-letter policy either.
          await bus.subscribeRaw(DEAD_LETTER_TOPIC, subscriptionName("notifier", DEAD_LETTER_TOPIC), handlers.deadLetter, {
            maxDeliveryAttempts: Number.MAX_SAFE_INTEGER,
          }),
        ];
      }
      const interval = deps.staleCheckIntervalMs ?? null;
      if (interval !== null && interval > 0) watch = startStalenessWatch(ctx, interval);
    },
    async stop() {
      await watch?.stop();
      watch = undefined;
      await Promise.allSettled(subscriptions.map((s) => s.close()));
      subscriptions = [];
      deps.mailer.close();
    },
  };
}

