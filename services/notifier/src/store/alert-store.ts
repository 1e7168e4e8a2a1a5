import type { Sql } from "postgres";
import { ErrorCode, FailureStage } from "@crm-sync/contracts";
import { toDbError } from "@crm-sync/db";
import { REQUEST_TEXT, type RequestKind } from "@crm-sync/messages";
import { ALERT_KINDS, HEALTHY, type AlertKind, type AlertState, type LastSuccess } from "../domain/policy.ts";
import type { RenderedEmail } from "../domain/email.ts";

/** The processed_messages consumer name: one row per event the notifier has decided on. */
const CONSUMER = "notifier";

export interface AlertPlan {
  next: AlertState;
  email: (RenderedEmail & { kind: AlertKind }) | null;
  /** The chat message's text, when a chat channel is configured (queued beside the email, same key). */
  chat: string | null;
}

export interface ApplyRequest {
  subject: string;
  /** Idempotency key of the event (null for the staleness check, which has no event). */
  eventKey: string | null;
  runId: string | null;
  now: Date;
  plan: (state: AlertState) => AlertPlan;
}

export type ApplyResult = { duplicate: true } | { duplicate: false; queued: AlertKind | null };

interface AlertRow {
  state: "ok" | "failing";
  code: string | null;
  stage: string | null;
  run_id: string | null;
  opened_at: Date | null;
  last_sent_at: Date | null;
  last_sent_kind: string | null;
  last_event_at: Date | null;
  last_success_at: Date | null;
  last_success_run_id: string | null;
  created_at: Date;
}

export interface AlertStore {
  /**
   * In one transaction: records the event as handled (or reports a duplicate), locks the
   * subject's state, applies the plan and queues its email. Two deliveries of one event can
   * therefore never both queue an email.
   */
  apply(request: ApplyRequest): Promise<ApplyResult>;
  read(subject: string): Promise<AlertState | undefined>;
  /** The run ledger's last good sync (written by the trigger service). */
  lastSuccessFromRuns(): Promise<LastSuccess | null>;
  /** What asked for a run, from the run ledger; null when the ledger does not know the run. */
  requestKindOf(runId: string): Promise<RequestKind | null>;
}

export function createAlertStore(sql: Sql): AlertStore {
  return {
    async apply(request) {
      try {
        return await sql.begin(async (tx) => {
          if (request.eventKey !== null) {
            const recorded = await tx`
              insert into crm_sync.processed_messages (consumer, message_key, run_id)
              values (${CONSUMER}, ${request.eventKey}, ${request.runId})
              on conflict do nothing
              returning message_key`;
            if (recorded.length === 0) return { duplicate: true as const };
          }
          await tx`
            insert into crm_sync.alerts (subject, state, created_at, updated_at)
            values (${request.subject}, 'ok', ${request.now}, ${request.now})
            on conflict (subject) do nothing`;
          const [row] = await tx<AlertRow[]>`select * from crm_sync.alerts where subject = ${request.subject} for update`;
          if (row === undefined) throw new Error("alert row vanished inside its transaction");
          const plan = request.plan(toState(row));
          const next = plan.next;
          await tx`
            update crm_sync.alerts set
              state = ${next.status}, code = ${next.code}, stage = ${next.stage}, run_id = ${next.runId},
              opened_at = ${next.openedAt}, last_sent_at = ${next.lastSentAt}, last_sent_kind = ${next.lastSentKind},
              last_event_at = ${next.lastEventAt}, last_success_at = ${next.lastSuccessAt},
              last_success_run_id = ${next.lastSuccessRunId}, updated_at = ${request.now}
            where subject = ${request.subject}`;
          if (plan.email !== null) {
            const eventKey = request.eventKey ?? `${request.subject}:${plan.email.kind}:${request.now.toISOString()}`;
            await tx`
              insert into crm_sync.alert_emails (event_key, alert_subject, kind, run_id, email_subject, body_text, body_html, created_at)
              values (${eventKey}, ${request.subject}, ${plan.email.kind}, ${request.runId}, ${plan.email.subject},
                      ${plan.email.text}, ${plan.email.html}, ${request.now})`;
            if (plan.chat !== null) {
              await tx`
                insert into crm_sync.alert_chats (event_key, alert_subject, kind, run_id, body_text, created_at)
                values (${eventKey}, ${request.subject}, ${plan.email.kind}, ${request.runId}, ${plan.chat}, ${request.now})`;
            }
          }
          return { duplicate: false as const, queued: plan.email?.kind ?? null };
        });
      } catch (error) {
        throw toDbError(error);
      }
    },

    async read(subject) {
      try {
        const [row] = await sql<AlertRow[]>`select * from crm_sync.alerts where subject = ${subject}`;
        return row === undefined ? undefined : toState(row);
      } catch (error) {
        throw toDbError(error);
      }
    },

    async lastSuccessFromRuns() {
      try {
        const [row] = await sql<{ id: string; finished_at: Date }[]>`
          select id, finished_at from crm_sync.runs
          where status = 'succeeded' and finished_at is not null
          order by finished_at desc limit 1`;
        return row === undefined ? null : { at: row.finished_at, runId: row.id };
      } catch (error) {
        throw toDbError(error);
      }
    },

    async requestKindOf(runId) {
      try {
        const [row] = await sql<{ trigger: string }[]>`select trigger from crm_sync.runs where id = ${runId}`;
        return Object.keys(REQUEST_TEXT).find((kind): kind is RequestKind => kind === row?.trigger) ?? null;
      } catch (error) {
        throw toDbError(error);
      }
    },
  };
}

/** Rows are parsed, not trusted: a value another writer left behind falls back to "unknown". */
function toState(row: AlertRow): AlertState {
  const code = ErrorCode.safeParse(row.code);
  const stage = FailureStage.safeParse(row.stage);
  const kind = ALERT_KINDS.find((k) => k === row.last_sent_kind) ?? null;
  return {
    ...HEALTHY,
    status: row.state,
    code: code.success ? code.data : null,
    stage: stage.success ? stage.data : null,
    runId: row.run_id,
    openedAt: row.opened_at,
    lastSentAt: row.last_sent_at,
    lastSentKind: kind,
    lastEventAt: row.last_event_at,
    lastSuccessAt: row.last_success_at,
    lastSuccessRunId: row.last_success_run_id,
    watchingSince: row.created_at,
  };
}
