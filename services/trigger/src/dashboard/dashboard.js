// The dashboard's whole script: no build step. Data from the API is only ever written with
// textContent, never as HTML. The API token lives in sessionStorage (this tab only) and is sent
// as a header. A sign-in link carries it in the fragment (`#token=…`), which the browser never
// sends to the server (so no request log keeps it); the page stores it and removes it from the
// address bar at once. A token in the query (`?token=`, the old links) is not used: it has
// already reached the server's logs; the page only removes it from the address bar.

const TOKEN_KEY = "crm-sync-token";
const PHASES = ["queued", "scraping", "loading", "done"];
const PHASE_TEXT = {
  queued: ["Queued", "Waiting for the scraper to start."],
  scraping: ["Scraping", "Exporting customers from the Qashier portal."],
  loading: ["Loading", "Updating the customer table."],
  done: ["Done", "Customer data is up to date."],
  failed: ["Failed", ""],
};
const COUNT_LABELS = [
  ["rows", "Rows in export"],
  ["inserted", "New customers"],
  ["updated", "Updated"],
  ["unchanged", "Unchanged"],
  ["softDeleted", "Removed"],
  ["revived", "Returned"],
  ["rejected", "Rejected rows"],
];

const $ = (id) => document.getElementById(id);
let followed = null;

function takeTokenFromUrl() {
  const url = new URL(window.location.href);
  const fragment = new URLSearchParams(url.hash.slice(1));
  const token = fragment.get("token");
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  fragment.delete("token");
  url.searchParams.delete("token");
  const rest = fragment.toString();
  history.replaceState(null, "", url.pathname + url.search + (rest ? `#${rest}` : ""));
}

const token = () => sessionStorage.getItem(TOKEN_KEY);

class Unauthorized extends Error {}

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { accept: "application/json", authorization: `Bearer ${token()}`, ...(options.headers ?? {}) },
  });
  if (response.status === 401) throw new Unauthorized();
  const body = await response.json().catch(() => ({}));
  // Signed in, but the token's role does not allow this (a viewer pressing "Update"): say so.
  if (response.status === 403 && body?.error?.code === "ROLE_REQUIRED") throw new Error(body.error.message);
  if (response.status === 403) throw new Unauthorized();
  if (!response.ok) throw new Error(body?.error?.message ?? `The server answered ${response.status}.`);
  return body;
}

function showLogin(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  $("login").hidden = false;
  $("controls").hidden = true;
  $("history").hidden = true;
  $("status").hidden = true;
  $("login-error").hidden = !message;
  $("login-error").textContent = message ?? "";
}

function ago(seconds) {
  if (seconds < 90) return "just now";
  if (seconds < 5400) return `${Math.round(seconds / 60)} minutes ago`;
  if (seconds < 129600) return `${Math.round(seconds / 3600)} hours ago`;
  return `${Math.round(seconds / 86400)} days ago`;
}

function renderFreshness(f) {
  const line = $("freshness");
  const customers = `${f.customerCount.toLocaleString()} customers`;
  line.textContent = f.lastSuccessAt === null
    ? `Customer data has never been synced. ${customers}.`
    : `Customer data last updated ${ago(f.ageSeconds)} (${new Date(f.lastSuccessAt).toLocaleString()}). ${customers}.`;
  if (f.stale) line.textContent += " This is out of date.";
  line.className = f.stale ? "stale" : "muted";
}

function isActive(run) {
  return run.status === "queued" || run.status === "running";
}

function renderRun(run) {
  $("status").hidden = false;
  $("run-id").textContent = run.runId;
  const [label, fallback] = PHASE_TEXT[run.phase];
  $("phase").textContent = label;
  $("message").textContent = run.phase === "failed" ? "" : run.phase === "done" ? fallback : run.message ?? fallback;
  const reachedIndex = run.phase === "failed" ? -1 : PHASES.indexOf(run.phase);
  for (const item of $("steps").children) {
    const index = PHASES.indexOf(item.dataset.phase);
    item.className = index === reachedIndex ? "current" : index < reachedIndex ? "reached" : "";
  }

  const counts = $("counts");
  counts.replaceChildren();
  counts.hidden = !(run.phase === "done" && run.counts);
  if (run.phase === "done" && run.counts) {
    for (const [key, text] of COUNT_LABELS) {
      const dt = document.createElement("dt");
      dt.textContent = text;
      const dd = document.createElement("dd");
      dd.dataset.count = key;
      dd.textContent = String(run.counts[key]);
      counts.append(dt, dd);
    }
  }

  const failure = $("failure");
  failure.hidden = run.phase !== "failed" || !run.error;
  if (run.phase === "failed" && run.error) {
    $("failure-reason").textContent = `${run.error.code}: ${run.error.message}`;
    $("failure-untouched").textContent = run.destinationUntouched
      ? "The customer table was left untouched."
      : "The customer table may have been changed; check the run before trying again.";
    $("failure-advice").textContent = run.error.retryable
      ? "This is usually temporary: try again in a few minutes."
      : "Trying again will not help until this is fixed. The on-call engineer has been emailed.";
  }
  $("update").disabled = isActive(run);
}

function renderHistory(runs) {
  $("history").hidden = false;
  const rows = runs.map((run) => {
    const tr = document.createElement("tr");
    const result = run.status === "succeeded" && run.counts
      ? `${run.counts.inserted} new, ${run.counts.updated} updated, ${run.counts.softDeleted} removed`
      : run.error ? run.error.code : run.message ?? "";
    for (const text of [new Date(run.requestedAt).toLocaleString(), run.trigger, run.status, result]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  });
  $("runs").replaceChildren(...rows);
}

async function refresh() {
  const [list, freshness] = await Promise.all([api("/v1/syncs?limit=10"), api("/v1/freshness")]);
  renderFreshness(freshness);
  renderHistory(list.runs);
  return list.runs;
}

/** Follows one run over SSE (read with fetch, so the token travels in a header). */
async function follow(runId) {
  if (followed === runId) return;
  followed = runId;
  let last = null;
  try {
    const response = await fetch(`/v1/syncs/${encodeURIComponent(runId)}/events`, {
      headers: { accept: "text/event-stream", authorization: `Bearer ${token()}` },
    });
    if (response.status === 401 || response.status === 403) throw new Unauthorized();
    if (!response.ok || !response.body) throw new Error(`live status unavailable (${response.status})`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let split;
      while ((split = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, split);
        buffer = buffer.slice(split + 2);
        const data = block.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n");
        if (data) {
          last = JSON.parse(data);
          renderRun(last);
        }
      }
    }
  } catch (error) {
    if (error instanceof Unauthorized) return showLogin("Your session has expired. Please sign in again.");
  } finally {
    followed = null;
  }
  await refresh().catch(() => {});
  if (last === null || isActive(last)) {
    // The stream broke before the run finished: pick it up again shortly.
    setTimeout(() => follow(runId), 2000);
  }
}

/** Alert emails link to `?run=<id>`: that run is shown instead of the latest. */
const linkedRunId = () => new URL(window.location.href).searchParams.get("run");

async function start() {
  $("login").hidden = true;
  $("controls").hidden = false;
  try {
    const runs = await refresh();
    const latest = runs[0];
    const linked = linkedRunId();
    const shown = linked ? await api(`/v1/syncs/${encodeURIComponent(linked)}`) : latest;
    if (shown) renderRun(shown);
    // The button follows the newest run, whichever run is on screen.
    $("update").disabled = latest ? isActive(latest) : false;
    if (shown && isActive(shown)) follow(shown.runId);
  } catch (error) {
    if (error instanceof Unauthorized) return showLogin("That token was not accepted.");
    $("freshness").textContent = `Could not load status: ${error.message}`;
  }
}

$("update").addEventListener("click", async () => {
  $("update").disabled = true;
  try {
    const { run } = await api("/v1/syncs", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    renderRun(run);
    follow(run.runId);
  } catch (error) {
    if (error instanceof Unauthorized) return showLogin("Your session has expired. Please sign in again.");
    $("update").disabled = false;
    $("freshness").textContent = `Could not start an update: ${error.message}`;
  }
});

$("login").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $("token").value);
  $("token").value = "";
  start();
});

$("sign-out").addEventListener("click", () => showLogin());

takeTokenFromUrl();
if (token()) start();
else showLogin();
