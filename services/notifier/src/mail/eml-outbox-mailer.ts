import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTransport } from "nodemailer";
import { envelopeOf, type Addresses, type Mailer } from "./mailer.ts";

export interface EmlOutboxOptions extends Addresses {
  dir: string;
}

/**
 * Embedded mode has no mail server: each alert becomes an RFC 5322 `.eml` file that any mail
 * app opens. nodemailer builds the message exactly as it would for SMTP.
 */
export function createEmlOutboxMailer(options: EmlOutboxOptions): Mailer {
  const transport = createTransport({ streamTransport: true, buffer: true, newline: "windows" });
  return {
    destination: `file://${options.dir}`,
    async send(email) {
      const { message } = await transport.sendMail(envelopeOf(email, options));
      if (!Buffer.isBuffer(message)) throw new Error("nodemailer returned a stream although buffer mode was asked for");
      const stamp = email.createdAt.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
      const name = `${stamp}-alert-${email.id}-${email.kind}.eml`;
      await mkdir(options.dir, { recursive: true });
      // Written aside, then renamed: a mail app watching the folder never sees half a message.
      const partial = join(options.dir, `.${name}.partial`);
      await writeFile(partial, message);
      await rename(partial, join(options.dir, name));
    },
    close() {
      transport.close();
    },
  };
}
