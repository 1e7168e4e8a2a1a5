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
  stop(): Promise<void>;
}

/** A local mail server that accepts everything and keeps it as files (Mailpit's job in compose). */
export async function startSmtpSink(dir: string): Promise<SmtpSink> {
  await mkdir(dir, { recursive: true });
  let sequence = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
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
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    dir,
    messages: async () => (await readdir(dir)).filter((name) => name.endsWith(".eml")).sort(),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
