import type { Channel } from "../outbox-sender.ts";
import type { QueuedEmail } from "../store/outbox-store.ts";
import type { Mailer } from "./mailer.ts";
import { describeMailError, isPermanentMailError } from "./smtp-mailer.ts";

/** The mailer (SMTP or the embedded `.eml` folder) as an outbox channel. */
export function emailChannel(mailer: Mailer): Channel<QueuedEmail> {
  return {
    name: "email",
    destination: mailer.destination,
    send: (email) => mailer.send(email),
    isPermanent: isPermanentMailError,
    describe: describeMailError,
  };
}
