import pRetry, { AbortError } from "p-retry";
import { chatPayload } from "../domain/chat.ts";
import type { Channel } from "../outbox-sender.ts";
import type { QueuedChat } from "../store/outbox-store.ts";

export interface WebhookChatOptions {
  /** The incoming-webhook URL (Slack or Google Chat). A secret: its path or query is the credential. */
  url: string;
  /** Attempts within one send; after that the message stays queued for the next flush. */
  attempts?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  timeoutMs?: number;
}

/** A webhook answer that is not 2xx. Carries the status only: never the URL, never the body. */
export class ChatWebhookError extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`the chat webhook answered HTTP ${status}`);
    this.name = "ChatWebhookError";
    this.status = status;
  }
}

/** 4xx means the request or the URL is wrong (revoked webhook, bad payload); 408 and 429 are worth another try. */
function isPermanentStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

export function isPermanentChatError(error: unknown): boolean {
  return error instanceof ChatWebhookError && isPermanentStatus(error.status);
}

/** What went wrong, in a form safe for the outbox row and the log: a status or an error code, nothing quoted. */
export function describeChatError(error: unknown): string {
  if (error instanceof ChatWebhookError) return `HTTP ${error.status}`;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (typeof cause?.code === "string") return cause.code;
  return error instanceof Error && /^[A-Za-z]+Error$/.test(error.name) ? error.name : "ERROR";
}

/**
 * Posts `{"text": …}` to a Slack or Google Chat incoming webhook. Retries a 5xx, 408, 429 or a
 * network failure a few times with backoff within one send; a message that still fails stays in
 * the outbox and goes out on a later flush. The URL is never logged or put in an error: only its
 * origin is shown as the destination.
 */
export function createWebhookChat(options: WebhookChatOptions): Channel<QueuedChat> {
  const url = new URL(options.url);
  const timeout = options.timeoutMs ?? 10_000;
  return {
    name: "chat",
    destination: url.origin,
    async send(message) {
      await pRetry(
        async () => {
          const response = await fetch(url, {
            method: "POST",
            // Google Chat wants the charset spelled out for Thai text; Slack accepts it.
            headers: { "content-type": "application/json; charset=UTF-8" },
            body: chatPayload(message.text),
            signal: AbortSignal.timeout(timeout),
          });
          await response.body?.cancel();
          if (response.ok) return;
          const error = new ChatWebhookError(response.status);
          throw isPermanentStatus(response.status) ? new AbortError(error) : error;
        },
        {
          retries: Math.max(0, (options.attempts ?? 3) - 1),
          minTimeout: options.minBackoffMs ?? 250,
          maxTimeout: options.maxBackoffMs ?? 2_000,
        },
      );
    },
    isPermanent: isPermanentChatError,
    describe: describeChatError,
  };
}
