import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

/** The one field both Slack and Google Chat incoming webhooks take from us. */
const ChatBody = z.strictObject({ text: z.string().min(1) });

export interface ChatPost {
  /** What the receiver answered. */
  status: number;
  contentType: string | undefined;
  /** The raw body, for scans (no secret, no customer data may be in it). */
  raw: string;
  /** The parsed `text`; undefined when the body was not `{"text": "..."}`. */
  text: string | undefined;
}

export interface ChatWebhookReceiver {
  port: number;
  /** The webhook URL, shaped like Slack's: its path is the secret. */
  url: string;
  /** Every POST to the webhook's path, in order, with the answer it got. */
  posts: ChatPost[];
  /** The texts of the posts answered 2xx: what the chat room shows. */
  delivered(): string[];
  /** Statuses to answer the next posts with, first first; then 200. */
  answers: number[];
  stop(): Promise<void>;
}

export interface ChatWebhookReceiverOptions {
  /** 0 (default) picks a free port; a test restarts a receiver on the port it had ("webhook back up"). */
  port?: number;
  /** Shared across a restart. */
  posts?: ChatPost[];
  /** The secret part of the path (default a fixed synthetic one). */
  secret?: string;
}

/** A loopback HTTP server standing in for a Slack / Google Chat incoming webhook. Other paths get 404. */
export async function startChatWebhookReceiver(options: ChatWebhookReceiverOptions = {}): Promise<ChatWebhookReceiver> {
  const path = `/services/T0SYNTHETIC/B0SYNTHETIC/${options.secret ?? "syntheticWebhookSecret0123"}`;
  const posts = options.posts ?? [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method !== "POST" || request.url !== path) {
        response.writeHead(404).end();
        return;
      }
      const raw = Buffer.concat(chunks).toString("utf8");
      let text: string | undefined;
      try {
        const parsed = ChatBody.safeParse(JSON.parse(raw));
        text = parsed.success ? parsed.data.text : undefined;
      } catch {
        text = undefined;
      }
      // Slack answers 400 to a body it cannot read; so does this.
      const status = text === undefined ? 400 : (receiver.answers.shift() ?? 200);
      posts.push({ status, contentType: request.headers["content-type"], raw, text });
      response.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "error");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  const receiver: ChatWebhookReceiver = {
    port,
    url: `http://127.0.0.1:${port}${path}`,
    posts,
    delivered: () => posts.filter((post) => post.status >= 200 && post.status < 300).map((post) => post.text ?? ""),
    answers: [],
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
  return receiver;
}
