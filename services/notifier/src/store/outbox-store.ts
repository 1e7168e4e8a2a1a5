import type { Sql } from "postgres";
import { toDbError } from "@crm-sync/db";

/** What every queued alert has, whatever channel carries it. */
export interface QueuedMessage {
  id: number;
  eventKey: string;
  kind: string;
  runId: string | null;
  createdAt: Date;
  attempts: number;
}

export interface QueuedEmail extends QueuedMessage {
  subject: string;
  text: string;
  html: string;
}

export interface QueuedChat extends QueuedMessage {
  /** The chat message's text, rendered when the alert was decided. */
  text: string;
}

export type DeliveryStatus = "none" | "pending" | "sent" | "gave-up";

/**
 * A claim is a short lease the sender renews while it talks to the mail server or the webhook
 * (see CLAIM_RENEW_MS): a sender that crashed mid-send frees its message within seconds, not
 * minutes, so the event's redeliveries find it sendable again.
 */
const CLAIM_SECONDS = 15;
export const CLAIM_RENEW_MS = 5_000;

export interface OutboxStore<M extends QueuedMessage> {
  /** Reserves the oldest unsent message for this sender (skipping ones another sender holds). */
  claimNext(): Promise<M | undefined>;
  markSent(id: number): Promise<void>;
  /** Keeps a claim alive while its message is being sent. */
  renewClaim(id: number): Promise<void>;
  /** Puts a claimed message back for a later attempt. */
  release(id: number, reason: string): Promise<void>;
  /** The server refused it for good: it stops blocking the queue. */
  giveUp(id: number, reason: string): Promise<void>;
  statusOf(eventKey: string): Promise<DeliveryStatus>;
}

interface CommonRow {
  id: string;
  event_key: string;
  kind: string;
  run_id: string | null;
  body_text: string;
  created_at: Date;
  attempts: number;
}

interface EmailRow extends CommonRow {
  email_subject: string;
  body_html: string;
}

const common = (row: CommonRow): QueuedMessage => ({
  id: Number(row.id),
  eventKey: row.event_key,
  kind: row.kind,
  runId: row.run_id,
  createdAt: row.created_at,
  attempts: row.attempts,
});

/** Alert emails, in crm_sync.alert_emails. */
export function createOutboxStore(sql: Sql): OutboxStore<QueuedEmail> {
  return createQueue(sql, "crm_sync.alert_emails", (row: EmailRow) => ({ ...common(row), subject: row.email_subject, text: row.body_text, html: row.body_html }));
}

/** Chat alerts, in crm_sync.alert_chats: their own queue, so a chat outage never holds up an email. */
export function createChatOutboxStore(sql: Sql): OutboxStore<QueuedChat> {
  return createQueue(sql, "crm_sync.alert_chats", (row: CommonRow) => ({ ...common(row), text: row.body_text }));
}

/** The two outbox tables share their delivery columns; only the message body differs. */
function createQueue<Row extends CommonRow, M extends QueuedMessage>(sql: Sql, table: string, toMessage: (row: Row) => M): OutboxStore<M> {
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw toDbError(error);
    }
  };
  const name = sql(table);
  return {
    claimNext: () =>
      guarded(async () => {
        const [row] = await sql<Row[]>`
          update ${name} set claimed_until = now() + make_interval(secs => ${CLAIM_SECONDS}), attempts = attempts + 1
          where id = (
            select id from ${name}
            where sent_at is null and gave_up_at is null and (claimed_until is null or claimed_until < now())
            order by id
            limit 1
            for update skip locked
          )
          returning *`;
        return row === undefined ? undefined : toMessage(row);
      }),
    markSent: (id) =>
      guarded(async () => {
        await sql`update ${name} set sent_at = now(), claimed_until = null, last_error = null where id = ${id}`;
      }),
    renewClaim: (id) =>
      guarded(async () => {
        await sql`update ${name} set claimed_until = now() + make_interval(secs => ${CLAIM_SECONDS}) where id = ${id} and sent_at is null`;
      }),
    release: (id, reason) =>
      guarded(async () => {
        await sql`update ${name} set claimed_until = null, last_error = ${reason} where id = ${id}`;
      }),
    giveUp: (id, reason) =>
      guarded(async () => {
        await sql`update ${name} set gave_up_at = now(), claimed_until = null, last_error = ${reason} where id = ${id}`;
      }),
    statusOf: (eventKey) =>
      guarded(async () => {
        const [row] = await sql<{ sent_at: Date | null; gave_up_at: Date | null }[]>`
          select sent_at, gave_up_at from ${name} where event_key = ${eventKey}`;
        if (row === undefined) return "none";
        if (row.sent_at !== null) return "sent";
        return row.gave_up_at === null ? "pending" : "gave-up";
      }),
  };
}
