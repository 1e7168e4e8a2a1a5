import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

/** A real SMTP server on 127.0.0.1 that keeps every message it accepted, raw. */
export interface SmtpSink {
  port: number;
  /** The URL a mailer sends through, credentials included when the sink requires them. */
  url: string;
  received: Buffer[];
  parsed(): Promise<ParsedMail[]>;
  stop(): Promise<void>;
}

/** With `credentials`, the sink advertises AUTH and accepts only those (over plain TCP: a test sink). */
export async function startSmtpSink(credentials?: { user: string; pass: string }): Promise<SmtpSink> {
  const received: Buffer[] = [];
  const server = new SMTPServer({
    authOptional: credentials === undefined,
    allowInsecureAuth: true,
    disabledCommands: credentials === undefined ? ["STARTTLS", "AUTH"] : ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, callback) {
      if (credentials !== undefined && auth.username === credentials.user && auth.password === credentials.pass) return callback(null, { user: auth.username });
      callback(Object.assign(new Error("authentication failed"), { responseCode: 535 }));
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      // Recorded before the 250 reply: once the sender hears "accepted", it is here.
      stream.on("end", () => {
        received.push(Buffer.concat(chunks));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const auth = credentials === undefined ? "" : `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@`;
  let stopped: Promise<void> | undefined;
  return {
    port,
    url: `smtp://${auth}127.0.0.1:${port}`,
    received,
    parsed: () => Promise.all(received.map((raw) => simpleParser(raw))),
    stop: () => (stopped ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}
