// The home page: is the data current, update now, the current run, recent runs.
import { api, followToEnd, isActive, post, Unauthorized } from "./api.js";
import { el, table } from "./dom.js";
import { errorText, formatDateTime, formatNumber, m, t } from "./i18n.js";
import { countsList, durationText, resultText, runLink, statusText, tableTouched } from "./run-words.js";

const PHASES = ["queued", "scraping", "loading", "done"];

function ago(seconds) {
  if (seconds < 90) return t("ago.now");
  if (seconds < 5400) return t("ago.minutes", { n: Math.round(seconds / 60) });
  if (seconds < 129600) return t("ago.hours", { n: Math.round(seconds / 3600) });
  return t("ago.days", { n: Math.round(seconds / 86400) });
}

function freshnessText(f) {
  const customers = t("freshness.customers", { n: formatNumber(f.customerCount) });
  const line = f.lastSuccessAt === null
    ? t("freshness.never", { customers })
    : t("freshness.updated", { ago: ago(f.ageSeconds), at: formatDateTime(f.lastSuccessAt), customers });
  return f.stale ? `${line} ${t("freshness.stale")}` : line;
}

function renderRun(run) {
  const reached = run.phase === "failed" ? -1 : PHASES.indexOf(run.phase);
  const failure = run.phase === "failed" && run.error;
  const words = failure ? m("failures", run.error.code) : null;
  return el(
    "section",
    { id: "status", "aria-live": "polite", "aria-labelledby": "status-heading" },
    el("h2", { id: "status-heading" }, t("home.currentRun")),
    el("p", { id: "run-name" }, runLink(run)),
    el("ol", { id: "steps" }, PHASES.map((phase, index) =>
      el("li", { "data-phase": phase, class: index === reached ? "current" : index < reached ? "reached" : "", "aria-current": index === reached ? "step" : null }, t(`phase.${phase}`)))),
    el("p", {}, el("strong", { id: "phase" }, t(`phase.${run.phase}`)), " ", el("span", { id: "message" }, run.phase === "done" ? t("phase.doneMessage") : run.phase === "failed" ? "" : run.message ?? "")),
    run.phase === "done" && run.counts ? countsList(run.counts) : null,
    durationText(run) ? el("p", { id: "duration", class: "muted" }, t("run.tookDuration", { duration: durationText(run) })) : null,
    failure
      ? el("div", { id: "failure", class: "error", role: "alert" },
          el("p", { id: "failure-reason" }, `${words?.what ?? run.error.message} (${run.error.code})`),
          el("p", { id: "failure-untouched" }, tableTouched(run)),
          el("p", { id: "failure-advice" }, words?.todo ?? ""))
      : null,
  );
}

function recentRuns(runs) {
  return el(
    "section",
    { id: "history", "aria-labelledby": "recent-heading" },
    el("h2", { id: "recent-heading" }, t("home.recentRuns")),
    table([t("col.requested"), t("col.status"), t("col.duration"), t("col.result")], runs.map((run) => [runLink(run), statusText(run), durationText(run), resultText(run)]), { id: "runs" }),
    el("p", {}, el("a", { href: "/history" }, t("home.allRuns"))),
  );
}

export async function homeView(view, ctx) {
  const freshness = el("p", { id: "freshness", class: "muted" }, t("freshness.checking"));
  const mayStart = ctx.me.role !== "viewer";
  const button = el("button", { id: "update", type: "button", disabled: true, "aria-describedby": mayStart ? null : "update-why" }, t("home.update"));
  const why = mayStart ? null : el("p", { id: "update-why", class: "muted" }, t("home.updateNeedsOperator", { role: t(`role.${ctx.me.role}`) }));
  const runSlot = el("div", { id: "run-slot" });
  const historySlot = el("div");
  view.replaceChildren(el("h1", {}, t("home.heading")), freshness, el("section", { id: "controls" }, button, why), runSlot, historySlot);

  let latest;
  async function refresh() {
    const [list, fresh] = await Promise.all([api("/v1/syncs?limit=10"), api("/v1/freshness")]);
    freshness.textContent = freshnessText(fresh);
    freshness.className = fresh.stale ? "stale" : "muted";
    latest = list.runs[0];
    historySlot.replaceChildren(recentRuns(list.runs));
    if (latest) runSlot.replaceChildren(renderRun(latest));
    button.disabled = !mayStart || (latest !== undefined && isActive(latest));
  }

  async function follow(runId) {
    await followToEnd(runId, (run) => {
      runSlot.replaceChildren(renderRun(run));
      button.disabled = true;
    }, () => ctx.expired());
    await refresh().catch(() => {});
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const { run } = await post("/v1/syncs");
      runSlot.replaceChildren(renderRun(run));
      await follow(run.runId);
    } catch (error) {
      if (error instanceof Unauthorized) return ctx.expired();
      button.disabled = false;
      freshness.textContent = t("home.couldNotStart", { why: errorText(error) });
    }
  });

  await refresh();
  if (latest && isActive(latest)) follow(latest.runId);
}
