/** An alert email as the outbox holds it, ready for a transport. */
export interface OutgoingEmail {
  id: number;
  kind: string;
  subject: string;
  text: string;
  html: string;
  createdAt: Date;
}

export interface Mailer {
  /** For logs: where mail goes, without credentials. */
  readonly destination: string;
  /** Resolves once the server (or the outbox folder) accepted the message. */
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
}

export interface Addresses {
  from: string;
  to: string;
}

/**
 * The same Message-ID for every attempt at one alert: if an accepted message is ever sent again
 * (a crash between acceptance and recording it), mail clients show it once.
 */
export function messageIdOf(email: OutgoingEmail): string {
  return `<crm-sync-alert-${email.id}-${email.createdAt.getTime()}@crm-sync.invalid>`;
}

export function envelopeOf(email: OutgoingEmail, addresses: Addresses) {
  return {
    from: addresses.from,
    to: addresses.to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    date: email.createdAt,
    messageId: messageIdOf(email),
    headers: { "X-Crm-Sync-Alert": email.kind },
  };
}
