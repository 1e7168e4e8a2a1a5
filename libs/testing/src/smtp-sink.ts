import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

/** A real SMTP server on 127.0.0.1 that keeps every message it accepted, raw. */
export interface SmtpSink {
  port: number;
  /** The URL a mailer sends through, credentials included when the sink requires them. */
  url: string;
  received: Buffer[];
  /** While true, every recipient is refused for good (550), as a server does for a bad address. */
  refuseRecipients: boolean;
  parsed(): Promise<ParsedMail[]>;
  stop(): Promise<void>;
}

export interface SmtpSinkOptions {
  /** 0 (default) picks a free port; a test restarts a sink on the port it had ("SMTP back up"). */
  port?: number;
  /** Shared across a restart, so messages from before and after are in one list. */
  received?: Buffer[];
  /** When given, the sink advertises AUTH and accepts only these (over plain TCP: a test sink). */
  credentials?: { user: string; pass: string };
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const { credentials } = options;
  const received = options.received ?? [];
  let stopped: Promise<void> | undefined;
  const sink: SmtpSink = {
    port: options.port ?? 0,
    url: "",
    received,
    refuseRecipients: false,
    parsed: () => Promise.all(received.map((raw) => simpleParser(raw))),
    stop: () => (stopped ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
  const server: SMTPServer = new SMTPServer({
    authOptional: credentials === undefined,
    allowInsecureAuth: true,
    disabledCommands: credentials === undefined ? ["STARTTLS", "AUTH"] : ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, callback) {
      if (credentials !== undefined && auth.username === credentials.user && auth.password === credentials.pass) return callback(null, { user: auth.username });
      callback(Object.assign(new Error("authentication failed"), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      if (!sink.refuseRecipients) return callback();
      callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 }));
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      // Recorded before the 250 reply goes out: once the sender hears "accepted", it is here.
      stream.on("end", () => {
        received.push(Buffer.concat(chunks));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(sink.port, "127.0.0.1", () => resolve());
  });
  sink.port = (server.server.address() as AddressInfo).port;
  const auth = credentials === undefined ? "" : `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@`;
  sink.url = `smtp://${auth}127.0.0.1:${sink.port}`;
  return sink;
}
