import { LANGUAGES } from "@crm-sync/messages";
import type { AlertFacts, AlertLinks } from "./alert-facts.ts";
import { ALERT_WORDS } from "./alert-text.ts";
import { alertTitle, officeLinks } from "./email.ts";

/**
 * The chat message: the email in short, Thai first, with the run page link. Slack incoming
 * webhooks and Google Chat webhooks both take `{"text": "..."}` and render plain lines, `*bold*`
 * and bare URLs alike, so nothing else is used. `<`, `>` and `&` are control characters in both
 * (links, mentions, escapes) and never appear. Artifact and trace links stay in the email: the
 * chat room may be wider than the on-call list.
 */
export function renderChatText(facts: AlertFacts, links: AlertLinks): string {
  const lines = [`*${alertTitle(facts)}*`];
  for (const language of LANGUAGES) {
    const words = ALERT_WORDS[language];
    const happened = words.whatHappened(facts);
    lines.push("", ...happened.slice(0, 2), ...words.whatToDo(facts).map((todo) => `${words.headings.todo}: ${todo}`), words.customerTable(facts));
  }
  lines.push("", ...officeLinks(facts, links).map((link) => `${link.label}: ${link.url}`));
  return lines.join("\n").replace(/[<>&]/g, (c) => CHAT_SAFE[c] ?? "");
}

// Look-alikes keep the sentence readable where a code or count happened to carry one.
const CHAT_SAFE: Record<string, string> = { "<": "‹", ">": "›", "&": "+" };

/** The webhook body both Slack and Google Chat accept. */
export function chatPayload(text: string): string {
  return JSON.stringify({ text });
}
