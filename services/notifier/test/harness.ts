import type { ParsedMail } from "mailparser";
import { createOidcVerifier, InMemoryBus } from "@crm-sync/bus";
import { migrate, openDatabase, type Database } from "@crm-sync/db";
import { createLogger, type Logger } from "@crm-sync/logging";
import { certsOf, generateSigningKey, signIdToken, startChatWebhookReceiver, startSmtpSink, type ChatWebhookReceiver, type SmtpSink } from "@crm-sync/testing";
import { createNotifier, createSmtpMailer, type Mailer, type Notifier } from "../src/app.ts";

export { startChatWebhookReceiver, startSmtpSink, type ChatWebhookReceiver, type SmtpSink } from "@crm-sync/testing";

export const ALERT_TO = "oncall@example.test";
export const ALERT_FROM = "crm-sync@example.test";
/** Cloud Scheduler's side of `POST /v1/staleness-check`: the job's audience and service account. */
export const SCHEDULER = { audience: "https://notifier.example.test", serviceAccount: "crm-sync-scheduler@crm-sync-test.iam.gserviceaccount.com" };
// RSA key generation is slow on a small machine: one key stands in for Google's in every harness.
let googleKey: ReturnType<typeof generateSigningKey> | undefined;
const google = () => (googleKey ??= generateSigningKey());

/** A Google-signed ID token as Scheduler sends it; override a claim to forge a wrong one. */
export function schedulerToken(claims: { aud?: string; email?: string } = {}): string {
  return signIdToken(google(), { aud: claims.aud ?? SCHEDULER.audience, email: claims.email ?? SCHEDULER.serviceAccount });
}

export function mailText(mail: ParsedMail): string {
  return `${mail.subject ?? ""}\n${mail.text ?? ""}\n${typeof mail.html === "string" ? mail.html : ""}`;
}

export interface Harness {
  db: Database;
  bus: InMemoryBus;
  notifier: Notifier;
  sink: SmtpSink;
  /** The chat webhook's local receiver, when the harness was started with `chat: true`. */
  chat: ChatWebhookReceiver | undefined;
  clock: { now: Date; advanceHours(hours: number): void };
  close(): Promise<void>;
}

export interface HarnessOptions {
  databaseUrl?: string;
  mailer?: (sink: SmtpSink) => Mailer;
  staleCheckIntervalMs?: number | null;
  maxDeliveryAttempts?: number;
  /** Also alert to a chat webhook (a local HTTP receiver). */
  chat?: boolean;
  /** Where the notifier logs (default: nowhere). */
  logger?: Logger;
}

export const quietLogger = () => createLogger({ service: "notifier-test", level: process.env["TEST_LOG_LEVEL"] === "debug" ? "debug" : "silent" });

/** A notifier wired as in embedded mode: InMemoryBus, a migrated database, a real SMTP server. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const logger = options.logger ?? quietLogger();
  const db = await openDatabase(options.databaseUrl ?? "pglite://memory", { logger });
  await migrate(db);
  const sink = await startSmtpSink();
  const chat = options.chat === true ? await startChatWebhookReceiver() : undefined;
  const bus = new InMemoryBus({ logger, backoff: { minMs: 10, maxMs: 50 }, maxDeliveryAttempts: options.maxDeliveryAttempts ?? 50 });
  const clock = {
    now: new Date("2026-11-26T19:00:00.000Z"),
    advanceHours(hours: number) {
      clock.now = new Date(clock.now.getTime() + hours * 3_600_000);
    },
  };
  const mailer =
    options.mailer?.(sink) ??
    createSmtpMailer({ url: `smtp://127.0.0.1:${sink.port}`, from: ALERT_FROM, to: ALERT_TO, attempts: 1, timeoutMs: 2_000 });
  const notifier = createNotifier({
    db,
    mailer,
    logger,
    bus,
    clock: () => clock.now,
    links: { dashboardUrl: "https://crm-sync.example.test/", traceUrlTemplate: null },
    ...(chat === undefined ? {} : { chat: { url: chat.url, attempts: 3, minBackoffMs: 10, maxBackoffMs: 50, timeoutMs: 2_000 } }),
    staleCheckIntervalMs: options.staleCheckIntervalMs ?? null,
    scheduler: {
      verifier: createOidcVerifier({ enabled: true, audience: SCHEDULER.audience, serviceAccountEmail: SCHEDULER.serviceAccount, certs: certsOf(google()) }),
    },
  });
  await notifier.start();
  const harness: Harness = {
    db,
    bus,
    notifier,
    sink,
    chat,
    clock,
    async close() {
      await bus.close();
      await notifier.stop();
      await harness.sink.stop();
      await harness.chat?.stop();
      await db.close();
    },
  };
  return harness;
}
