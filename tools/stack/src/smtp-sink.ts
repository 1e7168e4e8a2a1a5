import { randomBytes } from "node:crypto";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface SmtpSink {
  url: string;
  /** Each accepted message is one `.eml` file here, in arrival order by name. */
  dir: string;
  messages(): Promise<string[]>;
  /** SMTP sessions opened so far (a sender that connects and dies still counts). */
  readonly connections: number;
  /** Holds new sessions before the greeting (a sender is then caught mid-send) until `resume()`. */
  stall(): void;
  resume(): void;
  /** Stops listening (connections are refused) until `up()`, which listens on the same port again. */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

/** A local mail server that accepts everything and keeps it as files (Mailpit's job in compose). */
export async function startSmtpSink(dir: string): Promise<SmtpSink> {
  await mkdir(dir, { recursive: true });
  let sequence = 0;
  let connections = 0;
  let held: Array<() => void> | undefined;
  const createServer = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onConnect(_session, callback) {
        connections += 1;
        if (held === undefined) callback();
        else held.push(() => callback());
      },
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          sequence += 1;
          const name = `${String(sequence).padStart(5, "0")}-${randomBytes(3).toString("hex")}.eml`;
          writeFile(join(dir, name), Buffer.concat(chunks)).then(() => callback(), callback);
        });
      },
    });
  const listen = (server: SMTPServer, port: number) => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const close = (server: SMTPServer) => new Promise<void>((resolve) => server.close(() => resolve()));

  let server: SMTPServer | undefined = createServer();
  await listen(server, 0);
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    dir,
    messages: async () => (await readdir(dir)).filter((name) => name.endsWith(".eml")).sort(),
    get connections() {
      return connections;
    },
    stall() {
      held ??= [];
    },
    resume() {
      const waiting = held ?? [];
      held = undefined;
      // A held sender may have died meanwhile; greeting its closed session is harmless.
      for (const greet of waiting) {
        try {
          greet();
        } catch {
          // the session is gone
        }
      }
    },
    async down() {
      const current = server;
      server = undefined;
      if (current !== undefined) await close(current);
    },
    async up() {
      if (server !== undefined) return;
      server = createServer();
      await listen(server, port);
    },
    async stop() {
      const current = server;
      server = undefined;
      if (current !== undefined) await close(current);
    },
  };
}
