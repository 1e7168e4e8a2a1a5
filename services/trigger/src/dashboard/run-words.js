// How a run is named and described in the page's words.
import { el, facts } from "./dom.js";
import { formatDateTime, formatDuration, formatNumber, m, t } from "./i18n.js";

/** "Dashboard button (test-approver)" / "Daily schedule": what asked for the run, and who. */
export function requestedBy(run) {
  const kind = m("requests", run.trigger) ?? run.trigger;
  return run.requestedBy ? t("run.requestedByWho", { kind, who: run.requestedBy }) : kind;
}

/** A run by what requested it and when, never by its id. */
export const runName = (run) => t("run.name", { who: requestedBy(run), when: formatDateTime(run.requestedAt) });

export const runLink = (run, text = runName(run)) => el("a", { href: `/runs/${encodeURIComponent(run.runId)}` }, text);

export function statusText(run) {
  if (run.discardedAt) return t("status.discarded");
  return m("statuses", run.status) ?? run.status;
}

export function durationText(run) {
  if (run.durationMs !== null && run.durationMs !== undefined) return formatDuration(run.durationMs);
  if (run.finishedAt && run.startedAt) return formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt));
  return "";
}

/** The one-line result of a run for a table row. */
export function resultText(run) {
  if (run.status === "succeeded" && run.counts) {
    const { inserted, updated, softDeleted } = run.counts;
    return t("result.counts", { inserted: formatNumber(inserted), updated: formatNumber(updated), removed: formatNumber(softDeleted) });
  }
  if (run.error) return `${m("failures", run.error.code)?.what ?? ""} (${run.error.code})`;
  return run.message ?? "";
}

const COUNT_KEYS = ["rows", "inserted", "updated", "unchanged", "softDeleted", "revived", "rejected"];

export function countsList(counts) {
  return facts(COUNT_KEYS.map((key) => [t(`count.${key}`), formatNumber(counts[key]), key]), { id: "counts" });
}

export function tableTouched(run) {
  if (run.status === "succeeded") return m("tableTouched", "touched");
  if (run.destinationUntouched === true) return m("tableTouched", "untouched");
  return m("tableTouched", "unknown");
}
