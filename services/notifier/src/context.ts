import type { Logger } from "@crm-sync/logging";
import type { AlertLinks } from "./domain/alert-facts.ts";
import type { PolicySettings } from "./domain/policy.ts";
import type { OutboxSender } from "./outbox-sender.ts";
import type { AlertStore } from "./store/alert-store.ts";
import type { OutboxStore, QueuedEmail } from "./store/outbox-store.ts";

/** What every handler needs; built once in createNotifier. */
export interface NotifierContext {
  alerts: AlertStore;
  outbox: OutboxStore<QueuedEmail>;
  sender: OutboxSender;
  /** The chat channel's sender; null when no chat webhook is configured. */
  chatSender: OutboxSender | null;
  clock: () => Date;
  policy: PolicySettings;
  links: AlertLinks;
  logger: Logger;
}
