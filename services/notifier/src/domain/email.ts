import type { Artifact } from "@crm-sync/contracts";
import { LANGUAGES, type Language } from "@crm-sync/messages";
import { hasRejectedRows, type AlertFacts, type AlertLinks } from "./alert-facts.ts";
import { ALERT_WORDS } from "./alert-text.ts";
import { layoutHtml, layoutText, type Line, type RenderedEmail, type Section } from "./email-layout.ts";
import { RUNBOOK } from "./runbook.ts";
import { rejectedRowsLink, runLink, safeLink, traceLink } from "./safe-link.ts";

export type { RenderedEmail } from "./email-layout.ts";

const ARTIFACT_LABELS: Record<Artifact["kind"], string> = {
  screenshot: "Screenshot",
  html: "Page HTML",
  trace: "Playwright trace",
  export: "Export file",
};

/**
 * One email for everyone on ALERT_TO, in both languages: Thai first for the office, then the
 * links (labelled in both), then English, then what only the engineer needs (runbook,
 * artifacts, trace), which stays in English.
 */
export function renderAlertEmail(facts: AlertFacts, links: AlertLinks): RenderedEmail {
  const subject = alertTitle(facts);
  const sections: Section[] = [
    ...officeSections(facts, "th"),
    { heading: "ลิงก์ / Links", lines: officeLinks(facts, links) },
    ...officeSections(facts, "en"),
  ];
  const engineer = engineerLines(facts, links);
  if (engineer.length > 0) sections.push({ heading: "For the engineer", lang: "en", lines: engineer });
  return { subject, text: layoutText(subject, sections), html: layoutHtml(subject, sections) };
}

/** "[crm-sync] <Thai headline> | <English headline>": the subject, and the chat message's first line. */
export function alertTitle(facts: AlertFacts): string {
  return `[crm-sync] ${LANGUAGES.map((language) => ALERT_WORDS[language].headline(facts)).join(" | ")}`;
}

function officeSections(facts: AlertFacts, language: Language): Section[] {
  const words = ALERT_WORDS[language];
  return [
    { heading: words.headings.what, lang: language, lines: words.whatHappened(facts) },
    { heading: words.headings.todo, lang: language, lines: words.whatToDo(facts) },
    { heading: words.headings.table, lang: language, lines: [words.customerTable(facts)] },
    { heading: words.headings.lastGood, lang: language, lines: [words.lastGoodSync(facts)] },
  ];
}

const bothLabels = (label: (language: Language) => string) => LANGUAGES.map(label).join(" / ");

/** The run page (and its rejected rows), where staff review, approve or discard; labelled in both languages. */
export function officeLinks(facts: AlertFacts, links: AlertLinks): Array<{ label: string; url: string }> {
  if (facts.runId === null) return [{ label: bothLabels((l) => ALERT_WORDS[l].dashboard), url: new URL(links.dashboardUrl).toString() }];
  const lines = [{ label: bothLabels((l) => ALERT_WORDS[l].runPage), url: runLink(links.dashboardUrl, facts.runId) }];
  if (hasRejectedRows(facts)) lines.push({ label: bothLabels((l) => ALERT_WORDS[l].rejectedRows), url: rejectedRowsLink(links.dashboardUrl, facts.runId) });
  return lines;
}

function engineerLines(facts: AlertFacts, links: AlertLinks): Line[] {
  const lines: Line[] = [...runbookLines(facts)];
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

function runbookLines(facts: AlertFacts): string[] {
  switch (facts.kind) {
    case "failing":
    case "changed":
    case "reminder":
      return [RUNBOOK[facts.code ?? "INTERNAL"]];
    case "recovered":
    case "fresh":
      return [];
    case "dead-letter":
      return [
        `Read the logs of the service behind subscription ${facts.deadLetter?.sourceSubscription ?? "unknown"} for this run, fix the cause, then run the sync again (dashboard button or crm-sync trigger).`,
        ...(facts.code === null ? [] : [RUNBOOK[facts.code]]),
      ];
    case "stale":
      return [
        "Check that the daily 02:00 Asia/Bangkok schedule (Cloud Scheduler job crm-sync-daily) ran and look at the latest runs on the dashboard; earlier failure emails say why runs failed.",
      ];
  }
}
