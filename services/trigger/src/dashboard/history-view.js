// Run history, a page at a time (Older / Newer), and the last 30 runs' customer count and duration.
import { api } from "./api.js";
import { el, table } from "./dom.js";
import { lineChart } from "./chart.js";
import { formatDateTime, formatDuration, formatNumber, t } from "./i18n.js";
import { durationText, requestedBy, resultText, runLink, statusText } from "./run-words.js";

const PAGE = 20;

async function trend() {
  const { points } = await api("/v1/trend");
  const when = (point) => formatDateTime(point.requestedAt);
  return el("section", { id: "trend", "aria-labelledby": "trend-heading" },
    el("h2", { id: "trend-heading" }, t("history.trend", { n: points.length })),
    el("h3", {}, t("history.customers")),
    lineChart({
      label: t("history.customersChart"),
      points,
      value: (point) => point.customers,
      describe: (point) => `${when(point)}: ${formatNumber(point.customers)}`,
      scale: formatNumber,
      className: "customers",
    }),
    el("h3", {}, t("history.durations")),
    lineChart({
      label: t("history.durationsChart"),
      points,
      value: (point) => point.durationMs,
      describe: (point) => `${when(point)}: ${formatDuration(point.durationMs)}`,
      scale: formatDuration,
      className: "durations",
    }));
}

export async function historyView(view) {
  const query = new URL(window.location.href).searchParams;
  const cursor = query.get("before") ? `&before=${encodeURIComponent(query.get("before"))}` : query.get("after") ? `&after=${encodeURIComponent(query.get("after"))}` : "";
  const [page, chart] = await Promise.all([api(`/v1/history?limit=${PAGE}${cursor}`), trend()]);
  const newest = page.runs[0];
  const oldest = page.runs.at(-1);
  const paging = el("nav", { class: "paging", "aria-label": t("history.paging") },
    page.newer && newest ? el("a", { href: `/history?after=${encodeURIComponent(newest.runId)}`, id: "newer" }, t("history.newer")) : null,
    page.older && oldest ? el("a", { href: `/history?before=${encodeURIComponent(oldest.runId)}`, id: "older" }, t("history.older")) : null);
  view.replaceChildren(
    el("h1", {}, t("history.heading")),
    chart,
    el("section", { "aria-labelledby": "runs-heading" },
      el("h2", { id: "runs-heading" }, t("history.runs")),
      table([t("col.requested"), t("col.requestedBy"), t("col.status"), t("col.duration"), t("col.result")],
        page.runs.map((run) => [runLink(run, formatDateTime(run.requestedAt)), requestedBy(run), statusText(run), durationText(run), resultText(run)]),
        { id: "history-runs" }),
      paging));
}
