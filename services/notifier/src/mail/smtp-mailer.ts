import { createTransport } from "nodemailer";
import pRetry, { AbortError } from "p-retry";
import { envelopeOf, type Addresses, type Mailer } from "./mailer.ts";

export interface SmtpMailerOptions extends Addresses {
  url: string;
  /** Attempts within one send before the caller hears of the failure (the bus then redelivers). */
  attempts?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Per-connection timeouts; nodemailer's default of two minutes would hold a push request too long. */
  timeoutMs?: number;
}

/** The SMTP server said no for good (5xx): sending again cannot help. */
export function isPermanentMailError(error: unknown): boolean {
  const responseCode = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof responseCode === "number" && responseCode >= 500 && responseCode < 600;
}

/** A short, data-free description of a send failure (server replies can quote addresses). */
export function describeMailError(error: unknown): string {
  const { code, responseCode } = (error ?? {}) as { code?: unknown; responseCode?: unknown };
  const parts = [typeof code === "string" ? code : "ERROR", typeof responseCode === "number" ? String(responseCode) : ""];
  return parts.filter(Boolean).join(" ");
}

export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const timeout = options.timeoutMs ?? 10_000;
  const transport = createTransport({
    url: options.url,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 3,
  });
  const url = new URL(options.url);
  return {
    destination: `${url.protocol}//${url.host}`,
    async send(email) {
      await pRetry(
        async () => {
          try {
            await transport.sendMail(envelopeOf(email, options));
          } catch (error) {
            throw isPermanentMailError(error) ? new AbortError(error instanceof Error ? error : String(error)) : error;
          }
        },
        {
          retries: Math.max(0, (options.attempts ?? 3) - 1),
          minTimeout: options.minBackoffMs ?? 250,
          maxTimeout: options.maxBackoffMs ?? 2_000,
        },
      );
    },
    close() {
      transport.close();
    },
  };
}
