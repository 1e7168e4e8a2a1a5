import { busFromEnv, pushVerifierFromEnv, schedulerVerifierFromEnv, type EventBus } from "@crm-sync/bus";
import { sessionTimeoutsOf } from "@crm-sync/config";
import { migrate, openDatabase } from "@crm-sync/db";
import { runService } from "@crm-sync/server";
import { createNotifier } from "./app.ts";
import { readEnv } from "./env.ts";
import { createEmlOutboxMailer } from "./mail/eml-outbox-mailer.ts";
import { createSmtpMailer } from "./mail/smtp-mailer.ts";

await runService({
  name: "notifier",
  env: readEnv(),
  build: async (env, logger) => {
    const db = await openDatabase(env.DATABASE_URL, { logger, timeouts: sessionTimeoutsOf(env), max: 4 });
    if (env.MIGRATE_ON_START) await migrate(db, { logger });
    const addresses = { to: env.ALERT_TO ?? "crm-sync-oncall@localhost.invalid", from: env.ALERT_FROM ?? "crm-sync@localhost.invalid" };
    const mailer =
      env.SMTP_URL !== undefined
        ? createSmtpMailer({ url: env.SMTP_URL, attempts: env.SMTP_ATTEMPTS, ...addresses })
        : createEmlOutboxMailer({ dir: env.OUTBOX_DIR ?? "outbox", ...addresses });
    const bus: EventBus | undefined = env.PUBSUB_MODE === "pull" ? busFromEnv(env, logger) : undefined;
    const notifier = createNotifier({
      db,
      mailer,
      logger,
      links: { dashboardUrl: env.DASHBOARD_URL, traceUrlTemplate: env.TRACE_URL_TEMPLATE ?? null },
      ...(env.CHAT_WEBHOOK_URL === undefined || env.CHAT_WEBHOOK_URL === "off" ? {} : { chat: { url: env.CHAT_WEBHOOK_URL } }),
      policy: { reminderAfterMs: env.REMINDER_AFTER, staleAfterMs: env.STALE_AFTER },
      ...(bus === undefined ? {} : { bus }),
      ...(env.PUBSUB_MODE === "push"
        ? { push: { verifier: pushVerifierFromEnv(env) } }
        : {}),
      staleCheckIntervalMs: env.STALE_CHECK_INTERVAL,
      scheduler: { verifier: schedulerVerifierFromEnv(env) },
    });
    await notifier.start();
    // The chat webhook's origin only: its path and query are the credential.
    const chat = env.CHAT_WEBHOOK_URL === undefined || env.CHAT_WEBHOOK_URL === "off" ? "off" : new URL(env.CHAT_WEBHOOK_URL).origin;
    logger.info({ mail: mailer.destination, chat, mode: env.PUBSUB_MODE }, "notifier started");
    return {
      app: notifier.app,
      stop: [() => db.close(), ...(bus === undefined ? [] : [() => bus.close()]), () => notifier.stop()],
    };
  },
});
