import type { Sql } from "postgres";
import { toDbError } from "@crm-sync/db";

export interface QueuedEmail {
  id: number;
  eventKey: string;
  kind: string;
  runId: string | null;
  subject: string;
  text: string;
  html: string;
  createdAt: Date;
  attempts: number;
}

export type EmailStatus = "none" | "pending" | "sent" | "gave-up";

/**
 * A claim is a short lease the sender renews while it talks to the mail server (see
 * CLAIM_RENEW_MS): a sender that crashed mid-send frees its email within seconds, not minutes,
 * so the event's redeliveries find it sendable again.
 */
const CLAIM_SECONDS = 15;
export const CLAIM_RENEW_MS = 5_000;

export interface OutboxStore {
  /** Reserves the oldest unsent email for this sender (skipping ones another sender holds). */
  claimNext(): Promise<QueuedEmail | undefined>;
  markSent(id: number): Promise<void>;
  /** Keeps a claim alive while its email is being sent. */
  renewClaim(id: number): Promise<void>;
  /** Puts a claimed email back for a later attempt. */
  release(id: number, reason: string): Promise<void>;
  /** The SMTP server refused it for good: it stops blocking the queue. */
  giveUp(id: number, reason: string): Promise<void>;
  statusOf(eventKey: string): Promise<EmailStatus>;
}

interface EmailRow {
  id: string;
  event_key: string;
  kind: string;
  run_id: string | null;
  email_subject: string;
  body_text: string;
  body_html: string;
  created_at: Date;
  attempts: number;
}

export function createOutboxStore(sql: Sql): OutboxStore {
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw toDbError(error);
    }
  };
  return {
    claimNext: () =>
      guarded(async () => {
        const [row] = await sql<EmailRow[]>`
          update crm_sync.alert_emails set claimed_until = now() + make_interval(secs => ${CLAIM_SECONDS}), attempts = attempts + 1
          where id = (
            select id from crm_sync.alert_emails
            where sent_at is null and gave_up_at is null and (claimed_until is null or claimed_until < now())
            order by id
            limit 1
            for update skip locked
          )
          returning id, event_key, kind, run_id, email_subject, body_text, body_html, created_at, attempts`;
        if (row === undefined) return undefined;
        return {
          id: Number(row.id),
          eventKey: row.event_key,
          kind: row.kind,
          runId: row.run_id,
          subject: row.email_subject,
          text: row.body_text,
          html: row.body_html,
          createdAt: row.created_at,
          attempts: row.attempts,
        };
      }),
    markSent: (id) =>
      guarded(async () => {
        await sql`update crm_sync.alert_emails set sent_at = now(), claimed_until = null, last_error = null where id = ${id}`;
      }),
    renewClaim: (id) =>
      guarded(async () => {
        await sql`update crm_sync.alert_emails set claimed_until = now() + make_interval(secs => ${CLAIM_SECONDS}) where id = ${id} and sent_at is null`;
      }),
    release: (id, reason) =>
      guarded(async () => {
        await sql`update crm_sync.alert_emails set claimed_until = null, last_error = ${reason} where id = ${id}`;
      }),
    giveUp: (id, reason) =>
      guarded(async () => {
        await sql`update crm_sync.alert_emails set gave_up_at = now(), claimed_until = null, last_error = ${reason} where id = ${id}`;
      }),
    statusOf: (eventKey) =>
      guarded(async () => {
        const [row] = await sql<{ sent_at: Date | null; gave_up_at: Date | null }[]>`
          select sent_at, gave_up_at from crm_sync.alert_emails where event_key = ${eventKey}`;
        if (row === undefined) return "none";
        if (row.sent_at !== null) return "sent";
        return row.gave_up_at === null ? "pending" : "gave-up";
      }),
  };
}
