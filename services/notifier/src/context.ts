import type { Logger } from "@crm-sync/logging";
import type { EmailLinks } from "./domain/email.ts";
import type { PolicySettings } from "./domain/policy.ts";
import type { OutboxSender } from "./outbox-sender.ts";
import type { AlertStore } from "./store/alert-store.ts";
import type { OutboxStore } from "./store/outbox-store.ts";

/** What every handler needs; built once in createNotifier. */
export interface NotifierContext {
  alerts: AlertStore;
  outbox: OutboxStore;
  sender: OutboxSender;
  clock: () => Date;
  policy: PolicySettings;
  links: EmailLinks;
  logger: Logger;
}
