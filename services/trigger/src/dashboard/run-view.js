// The run page (/runs/<runId>, the alert emails' link; #rejected for the rejected rows): stages
// with times, counts, who or what requested it, the failure in plain words, whether the table was
// touched, the screenshot, a held run's would-be removals with Approve / Discard, rejected rows.
import { api, blob, download, followToEnd, isActive, post, Unauthorized } from "./api.js";
import { el, facts, table } from "./dom.js";
import { currentLanguage, errorText, formatDateTime, formatNumber, formatTime, m, t } from "./i18n.js";
import { countsList, durationText, requestedBy, runName, statusText, tableTouched } from "./run-words.js";

const STAGES = ["queued", "scraping", "uploading", "parsing", "diffing", "committing"];

function stageList(run) {
  const at = STAGES.indexOf(run.stage === "notifying" ? "committing" : run.stage);
  const done = run.status === "succeeded";
  return el("ol", { id: "stages", class: "stages" }, STAGES.map((stage, index) => {
    const state = done || index < at ? "reached" : index === at ? (run.status === "failed" ? "failed" : "current") : "";
    // When the run first reached each stage it reported; a run recorded before the ledger kept
    // those has only its request, start and last stage change.
    const time = run.stageTimes?.[stage] ?? (index === 0 ? run.requestedAt : index === 1 ? run.startedAt : index === at && !done ? run.stageChangedAt : null);
    return el("li", { class: state, "data-stage": stage, "aria-current": state === "current" ? "step" : null },
      m("stages", stage) ?? stage,
      time ? el("time", { class: "muted", datetime: time }, ` · ${formatTime(time)}`) : null,
      state === "failed" ? el("strong", {}, ` · ${t("run.failedHere")}`) : null);
  }));
}

async function screenshots(run, ctx) {
  const shots = run.artifacts.filter((artifact) => artifact.kind === "screenshot");
  if (shots.length === 0) return null;
  const heading = el("h2", { id: "evidence-heading" }, t("run.evidence"));
  // The portal's page may show customers: the API serves it to operators and approvers only.
  if (ctx.me.role === "viewer") return el("section", { id: "evidence", "aria-labelledby": "evidence-heading" }, heading, el("p", { class: "muted", id: "evidence-operators-only" }, t("run.screenshotOperatorsOnly", { n: formatNumber(shots.length) })));
  const figures = await Promise.all(shots.map(async (_shot, index) => {
    try {
      const url = URL.createObjectURL(await blob(`/v1/syncs/${encodeURIComponent(run.runId)}/screenshots/${index}`));
      return el("figure", {}, el("img", { src: url, alt: t("run.screenshotAlt", { n: index + 1 }), class: "evidence" }));
    } catch (error) {
      return el("p", { class: "muted" }, t("run.screenshotUnavailable", { why: error.message }));
    }
  }));
  return el("section", { id: "evidence", "aria-labelledby": "evidence-heading" }, heading, figures);
}

function failure(run) {
  if (!run.error) return null;
  const words = m("failures", run.error.code);
  return el("section", { id: "failure", class: "error", role: "alert", "aria-labelledby": "failure-heading" },
    el("h2", { id: "failure-heading" }, t("run.whatHappened")),
    el("p", { id: "failure-reason" }, words?.what ?? run.error.message, " ", el("code", {}, run.error.code)),
    el("p", { id: "failure-advice" }, words?.todo ?? ""));
}

async function heldReview(run, ctx, reload) {
  if (run.error?.code !== "MASS_DELETE_HELD") return null;
  const section = el("section", { id: "held", "aria-labelledby": "held-heading" }, el("h2", { id: "held-heading" }, t("held.heading")));
  if (run.discardedAt) {
    section.append(el("p", { id: "held-decision" }, t("held.discardedBy", { who: run.discardedBy ?? "", when: formatDateTime(run.discardedAt) })));
    return section;
  }
  const removals = await api(`/v1/syncs/${encodeURIComponent(run.runId)}/removals`);
  section.append(el("p", { id: "removal-count" }, t("held.wouldRemove", { n: formatNumber(removals.count) })));
  if (removals.customers === null) {
    section.append(el("p", { class: "muted", id: "held-who-decides" }, t("held.approverOnly")));
    return section;
  }
  section.append(table([t("col.customer"), t("col.phone")], removals.customers.map((c) => [c.name, c.maskedNumber]), { id: "removals" }));
  if (removals.customers.length < removals.count) section.append(el("p", { class: "muted" }, t("held.listedOnly", { n: formatNumber(removals.customers.length) })));
  const approve = el("button", { id: "approve", type: "button" }, t("held.approve"));
  const discard = el("button", { id: "discard", type: "button", class: "secondary" }, t("held.discard"));
  const outcome = el("p", { id: "held-outcome", role: "status" });
  const decide = async (action) => {
    approve.disabled = discard.disabled = true;
    try {
      await post(`/v1/syncs/${encodeURIComponent(run.runId)}/${action}`);
      await reload(true);
    } catch (error) {
      if (error instanceof Unauthorized) return ctx.expired();
      outcome.textContent = errorText(error);
      approve.disabled = discard.disabled = false;
    }
  };
  approve.addEventListener("click", () => decide("approve"));
  discard.addEventListener("click", () => decide("discard"));
  section.append(el("p", { class: "muted" }, t("held.explain")), el("div", { class: "buttons" }, approve, discard), outcome);
  return section;
}

async function rejectedRows(run) {
  const { rows } = await api(`/v1/syncs/${encodeURIComponent(run.runId)}/rejects`);
  if (rows.length === 0 && !(run.counts?.rejected > 0)) return null;
  const save = el("button", { id: "download-rejects", type: "button" }, t("rejects.download"));
  save.addEventListener("click", () =>
    download(`/v1/syncs/${encodeURIComponent(run.runId)}/rejects.csv?lang=${currentLanguage()}`, `rejected-rows-${run.runId}.csv`));
  const total = run.counts?.rejected ?? rows.length;
  return el("section", { id: "rejected", "aria-labelledby": "rejected-heading" },
    el("h2", { id: "rejected-heading" }, t("rejects.heading", { n: formatNumber(total) })),
    el("p", { class: "muted" }, t("rejects.explain")),
    rows.length < total ? el("p", { class: "muted" }, t("rejects.listedOnly", { n: formatNumber(rows.length) })) : null,
    table([t("col.row"), t("col.column"), t("col.reason")], rows.map((row) => [formatNumber(row.row), row.column ?? t("rejects.wholeRow"), `${m("rejects", row.reason) ?? ""} (${row.reason})`]), { id: "rejects" }),
    save);
}

function summary(run) {
  return facts([
    [t("run.status"), statusText(run), "status"],
    [t("run.requestedBy"), requestedBy(run), "requested-by"],
    [t("run.requestedAt"), formatDateTime(run.requestedAt), "requested-at"],
    [t("run.finishedAt"), formatDateTime(run.finishedAt), "finished-at"],
    [t("run.duration"), durationText(run), "duration"],
    [t("run.tableTouched"), tableTouched(run), "table-touched"],
    [t("run.attempt"), run.attempt > 1 ? formatNumber(run.attempt) : null, "attempt"],
    [t("run.approvedBy"), run.approvedAt ? t("run.byAt", { who: run.approvedBy ?? "", when: formatDateTime(run.approvedAt) }) : null, "approved-by"],
  ], { id: "summary" });
}

export async function runView(view, ctx, runId) {
  async function show(run, live) {
    const parts = [
      el("h1", {}, runName(run)),
      el("p", { class: "muted" }, el("a", { href: "/" }, t("run.back"))),
      summary(run),
      el("section", { "aria-labelledby": "stages-heading" }, el("h2", { id: "stages-heading" }, t("run.stages")), stageList(run), run.message && isActive(run) ? el("p", { id: "message" }, run.message) : null),
      run.counts ? el("section", { "aria-labelledby": "counts-heading" }, el("h2", { id: "counts-heading" }, t("run.counts")), countsList(run.counts)) : null,
      failure(run),
    ];
    // While the run moves, only its state is redrawn; the slower parts come once it has settled.
    if (!live) parts.push(await screenshots(run, ctx), await heldReview(run, ctx, reload), await rejectedRows(run));
    view.replaceChildren(...parts.filter(Boolean));
  }

  async function reload(follow) {
    const run = await api(`/v1/syncs/${encodeURIComponent(runId)}`);
    await show(run, isActive(run));
    if (follow || isActive(run)) {
      const last = await followToEnd(runId, (next) => isActive(next) && show(next, true), () => ctx.expired());
      if (last) await show(last, false);
    }
    if (window.location.hash === "#rejected") document.getElementById("rejected")?.scrollIntoView();
  }

  try {
    await reload(false);
  } catch (error) {
    if (error instanceof Unauthorized) return ctx.expired();
    view.replaceChildren(el("h1", {}, t("run.notFound")), el("p", { class: "error" }, error.message));
  }
}
