import { ERROR_CODES, type Artifact, type ErrorCode, type FailureStage, type SyncCounts } from "@crm-sync/contracts";
import { layoutHtml, layoutText, type Line, type RenderedEmail, type Section } from "./email-layout.ts";
import type { AlertKind, LastSuccess } from "./policy.ts";
import { RUNBOOK, STAGE_WORDS } from "./runbook.ts";
import { runLink, safeLink, traceLink } from "./safe-link.ts";
import { formatHours, formatInstant } from "./when.ts";

export type { RenderedEmail } from "./email-layout.ts";

/**
 * Everything an alert email may say. Only codes, stages, counts, ids, instants and URLs: a
 * free-text field (such as sync-failed's `message`) is deliberately absent, because text
 * written elsewhere could carry a customer's name or phone number.
 */
export interface AlertFacts {
  kind: AlertKind;
  occurredAt: Date;
  runId: string | null;
  stage: FailureStage | null;
  code: ErrorCode | null;
  previousCode: ErrorCode | null;
  /** When the current failing or stale period began. */
  since: Date | null;
  attempt: number | null;
  /** null: not known (dead letters). */
  destinationUntouched: boolean | null;
  counts: SyncCounts | null;
  lastSuccess: LastSuccess | null;
  traceId: string | null;
  artifacts: ReadonlyArray<{ kind: Artifact["kind"]; url: string }>;
  deadLetter: { sourceSubscription: string; topic: string | null; messageId: string; deliveryAttempts: number | null } | null;
  staleAfterMs: number;
}

export interface EmailLinks {
  dashboardUrl: string;
  /** Optional template with `{traceId}`, e.g. a Cloud Trace console URL. */
  traceUrlTemplate: string | null;
}

const ARTIFACT_LABELS: Record<Artifact["kind"], string> = {
  screenshot: "Screenshot",
  html: "Page HTML",
  trace: "Playwright trace",
  export: "Export file",
};

export function renderAlertEmail(facts: AlertFacts, links: EmailLinks): RenderedEmail {
  const subject = `[crm-sync] ${headline(facts)}`;
  const sections: Section[] = [
    { heading: "What happened", lines: whatHappened(facts) },
    { heading: "What to do", lines: whatToDo(facts) },
    { heading: "Customer table", lines: [customerTable(facts)] },
    { heading: "Last good sync", lines: [lastGoodSync(facts.lastSuccess)] },
    { heading: "Links", lines: linkLines(facts, links) },
  ];
  return { subject, text: layoutText(subject, sections), html: layoutHtml(subject, sections) };
}

function headline(facts: AlertFacts): string {
  const stage = facts.stage ?? "unknown stage";
  const code = facts.code ?? "INTERNAL";
  switch (facts.kind) {
    case "failing":
      return `FAILED at ${stage}: ${code}`;
    case "changed":
      return `FAILURE CHANGED at ${stage}: ${code} (was ${facts.previousCode ?? "another code"})`;
    case "reminder":
      return `STILL FAILING at ${stage}: ${code}`;
    case "recovered":
      return "RECOVERED: the customer sync succeeded again";
    case "dead-letter":
      return `DEAD LETTER from ${facts.deadLetter?.sourceSubscription ?? "a subscription"}: a message is stuck${facts.code === null ? "" : ` (${facts.code})`}`;
    case "stale":
      return `STALE: no successful customer sync for ${formatHours(facts.staleAfterMs)}`;
    case "fresh":
      return "FRESH: customer data is up to date again";
  }
}

function failureLines(facts: AlertFacts): string[] {
  const stage = facts.stage === null ? "at an unknown stage" : `while ${STAGE_WORDS[facts.stage]} (stage ${facts.stage})`;
  const attempt = facts.attempt === null ? "" : `, attempt ${facts.attempt}`;
  const lines = [`The customer sync${facts.runId === null ? "" : ` run ${facts.runId}`} failed ${stage} at ${formatInstant(facts.occurredAt)}${attempt}.`];
  if (facts.code !== null) lines.push(`Error code ${facts.code}: ${ERROR_CODES[facts.code].summary}`);
  return lines;
}

function whatHappened(facts: AlertFacts): string[] {
  switch (facts.kind) {
    case "failing":
      return failureLines(facts);
    case "changed":
      return [...failureLines(facts), `The failure changed: before it was ${facts.previousCode ?? "another code"}.${sinceLine(facts.since)}`];
    case "reminder":
      return [...failureLines(facts), `It keeps failing the same way.${sinceLine(facts.since)}`];
    case "recovered":
      return [`The customer sync${facts.runId === null ? "" : ` run ${facts.runId}`} succeeded at ${formatInstant(facts.occurredAt)}.${sinceLine(facts.since)}`];
    case "dead-letter": {
      const letter = facts.deadLetter;
      const topic = letter?.topic == null ? "" : ` on topic ${letter.topic}`;
      const attempts = letter?.deliveryAttempts == null ? "" : ` after ${letter.deliveryAttempts} delivery attempts`;
      return [
        `A pipeline message${topic} could not be handled${attempts} and was set aside (dead-lettered) by subscription ${letter?.sourceSubscription ?? "unknown"}.`,
        `Run: ${facts.runId ?? "unknown"}. Message id: ${letter?.messageId ?? "unknown"}. The run it belongs to is stuck until someone acts.`,
      ];
    }
    case "stale":
      return [
        `No customer sync has succeeded for more than ${formatHours(facts.staleAfterMs)} (checked at ${formatInstant(facts.occurredAt)}).`,
        "The customer data staff see may be out of date.",
      ];
    case "fresh":
      return [`A customer sync succeeded${facts.lastSuccess === null ? "" : ` at ${formatInstant(facts.lastSuccess.at)}`}, ending the stale period.${sinceLine(facts.since)}`];
  }
}

function sinceLine(since: Date | null): string {
  return since === null ? "" : ` The problem began at ${formatInstant(since)}.`;
}

function whatToDo(facts: AlertFacts): string[] {
  switch (facts.kind) {
    case "failing":
    case "changed":
    case "reminder":
      return [facts.code === null ? RUNBOOK.INTERNAL : RUNBOOK[facts.code]];
    case "recovered":
    case "fresh":
      return ["Nothing: this closes the earlier alert."];
    case "dead-letter":
      return [
        `Read the logs of the service behind subscription ${facts.deadLetter?.sourceSubscription ?? "unknown"} for this run, fix the cause, then run the sync again (dashboard button or crm-sync trigger).`,
        ...(facts.code === null ? [] : [RUNBOOK[facts.code]]),
      ];
    case "stale":
      return [
        "Check that the daily 02:00 Asia/Bangkok schedule (Cloud Scheduler job crm-sync-daily) ran and look at the latest runs on the dashboard; earlier failure emails say why runs failed.",
        "Press Update Customer Data on the dashboard to run a sync now.",
      ];
  }
}

function customerTable(facts: AlertFacts): string {
  if (facts.kind === "recovered" && facts.counts !== null) {
    const c = facts.counts;
    return `The customer table is up to date: ${c.rows} rows read, ${c.inserted} inserted, ${c.updated} updated, ${c.unchanged} unchanged, ${c.softDeleted} removed, ${c.revived} returned, ${c.rejected} rejected.`;
  }
  if (facts.kind === "recovered" || facts.kind === "fresh") return "The customer table is up to date.";
  if (facts.kind === "stale") return "The customer table has not been updated since the last good sync.";
  if (facts.destinationUntouched === true) return "The customer table was not changed: it still holds the data of the last good sync.";
  if (facts.destinationUntouched === false) return "The customer table may have been changed by this run before it failed: check the run's change log.";
  return "Whether the customer table was changed cannot be told from this message: open the run to check.";
}

function lastGoodSync(lastSuccess: LastSuccess | null): string {
  if (lastSuccess === null) return "No successful sync is on record.";
  return `${formatInstant(lastSuccess.at)}${lastSuccess.runId === null ? "" : `, run ${lastSuccess.runId}`}.`;
}

function linkLines(facts: AlertFacts, links: EmailLinks): Line[] {
  const lines: Line[] = [];
  if (facts.runId !== null) lines.push({ label: "Run", url: runLink(links.dashboardUrl, facts.runId) });
  else lines.push({ label: "Dashboard", url: new URL(links.dashboardUrl).toString() });
  let withheld = 0;
  for (const artifact of facts.artifacts) {
    const url = safeLink(artifact.url);
    if (url === undefined) withheld += 1;
    else lines.push({ label: ARTIFACT_LABELS[artifact.kind], url });
  }
  if (withheld > 0) lines.push(`${withheld} artifact link(s) withheld because they did not look like plain links; open the run to find them.`);
  if (facts.traceId !== null) {
    const url = traceLink(links.traceUrlTemplate, facts.traceId);
    lines.push(url === null ? `Trace id: ${facts.traceId}` : { label: `Trace ${facts.traceId}`, url });
  }
  return lines;
}
