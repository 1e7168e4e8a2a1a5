/**
 * The portal's single page. Like the real one it is hash-routed, renders only after its API
 * calls return (a "Loading…" state first) and changes nothing but `location.hash`, so a
 * scraper has to wait on elements or the hash, never on page loads. No build step: the
 * script is plain browser JavaScript.
 */
export const SPA_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Qashier Merchant Portal</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; }
  header { background: #1d3557; color: #fff; padding: 0.75rem 1rem; }
  main { padding: 1rem; }
  label, input { display: block; margin: 0.25rem 0; }
  .toolbar { display: flex; gap: 0.5rem; align-items: center; margin: 1rem 0; }
  [role=dialog] { position: fixed; top: 30%; left: 30%; background: #fff; border: 1px solid #999; padding: 1rem; }
  [role=alert] { color: #b00020; }
  table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 0.25rem 0.5rem; }
</style>
</head>
<body>
<header><strong>Qashier</strong> Merchant Portal</header>
<main id="app"><p aria-busy="true">Loading…</p></main>
<script>
(() => {
  "use strict";
  const app = document.getElementById("app");
  const EXPORT_FILE = "Customer Management.csv";
  let renderSeq = 0;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  }

  async function getJson(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } });
    const json = (response.headers.get("content-type") || "").includes("json") ? await response.json() : null;
    return { status: response.status, body: json };
  }

  function route() {
    const raw = location.hash.replace(/^#/, "") || "/";
    const [path, query] = raw.split("?");
    return { path, params: new URLSearchParams(query || "") };
  }

  function go(hash) {
    if (location.hash === hash) void render();
    else location.hash = hash;
  }

  function safeRedirect(target) {
    return target && target.startsWith("/") && !target.startsWith("//") ? target : "/customer-management";
  }

  function showFailure(status) {
    app.replaceChildren(el("h1", {}, "Something went wrong"), el("p", { role: "alert" }, "The portal answered with HTTP " + status + ". Please try again later."));
  }

  async function render() {
    const seq = ++renderSeq;
    app.replaceChildren(el("p", { "aria-busy": "true" }, "Loading…"));
    const { path, params } = route();
    const session = await getJson("/api/session");
    if (seq !== renderSeq) return;
    if (session.status !== 200 || !session.body) return showFailure(session.status);
    const { authenticated, ui } = session.body;
    if (path === "/login") {
      if (authenticated) return go("#" + safeRedirect(params.get("redirect")));
      return renderLogin(ui, safeRedirect(params.get("redirect")));
    }
    if (!authenticated) return go("#/login?redirect=" + (path === "/" ? "/customer-management" : path));
    if (path === "/customer-management") return renderCustomers(ui, seq);
    if (path === "/sales-report") return renderSalesReport();
    return go("#/customer-management");
  }

  function renderLogin(ui, redirect) {
    const username = el("input", { id: "username", name: "username", autocomplete: "username" });
    const password = el("input", { id: "password", name: "password", type: "password", autocomplete: "current-password" });
    const button = el("button", {}, "Login");
    const form = el("form", { novalidate: "" },
      el("h1", {}, "Sign in to Qashier"),
      el("label", { for: "username" }, ui.usernameLabel), username,
      el("label", { for: "password" }, ui.passwordLabel), password,
      button);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      form.querySelector("[role=alert]")?.remove();
      button.disabled = true;
      const response = await fetch("/api/login", {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify({ username: username.value, password: password.value }),
      });
      button.disabled = false;
      if (response.ok) return go("#" + redirect);
      const message = response.status === 401 ? "Invalid username or password" : "Login failed (HTTP " + response.status + "). Please try again.";
      form.append(el("p", { role: "alert" }, message));
    });
    app.replaceChildren(form);
  }

  async function renderCustomers(ui, seq) {
    const summary = await getJson("/api/customers/summary");
    if (seq !== renderSeq) return;
    if (summary.status === 401) return go("#/login?redirect=/customer-management");
    if (summary.status !== 200 || !summary.body) return showFailure(summary.status);
    const total = summary.body.total;
    const status = el("p", { role: "status" });
    const exportButton = el("button", { type: "button", onclick: () => openExportDialog(ui, total, status) }, ui.exportButton);
    const rows = summary.body.preview.map((c) => el("tr", {}, el("td", {}, c.customer), el("td", {}, c.contactNumber), el("td", {}, c.dateJoined)));
    app.replaceChildren(
      el("h1", {}, ui.heading),
      el("p", {}, "Total: " + total.toLocaleString("en-US") + " customers"),
      el("div", { class: "toolbar" },
        el("button", { type: "button", onclick: exportTransactions }, "Export Transactions"),
        el("a", { href: "#/sales-report" }, "Export Sales Report"),
        exportButton),
      status,
      el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Customer"), el("th", {}, "Contact Number"), el("th", {}, "Date Joined"))), el("tbody", {}, ...rows)),
    );
  }

  function openExportDialog(ui, total, status) {
    const close = () => dialog.remove();
    const dialog = el("div", { role: "dialog", "aria-modal": "true", "aria-labelledby": "export-dialog-title" },
      el("h2", { id: "export-dialog-title" }, "Export customers"),
      el("p", {}, "Export all " + total.toLocaleString("en-US") + " customers to a CSV file?"),
      el("button", { type: "button", onclick: () => { close(); if (ui.confirmDownloads) void download(ui.downloadMode, status); } }, "Confirm"),
      el("button", { type: "button", onclick: close }, "Cancel"));
    document.body.append(dialog);
  }

  async function download(mode, status) {
    if (mode === "attachment") {
      // The server answers with Content-Disposition: attachment, so the page stays put.
      location.assign("/api/customers/export");
      return;
    }
    status.textContent = "Preparing export…";
    const response = await fetch("/api/customers/export", { credentials: "same-origin" });
    if (!response.ok) {
      status.textContent = "";
      status.after(el("p", { role: "alert" }, "Export failed (HTTP " + response.status + "). Please try again later."));
      return;
    }
    saveBlob(await response.blob(), EXPORT_FILE);
    status.textContent = "Export ready";
  }

  function saveBlob(blob, name) {
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: name, hidden: "" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  // A decoy: the real portal has other export controls; a scraper that clicks this gets the wrong file.
  function exportTransactions() {
    const csv = "\\uFEFF\\"Date\\",\\"Receipt\\",\\"Amount\\"\\n\\"01/11/2026\\",\\"R-0001\\",\\"350.00\\"";
    saveBlob(new Blob([csv], { type: "text/csv" }), "Transactions.csv");
  }

  function renderSalesReport() {
    app.replaceChildren(el("h1", {}, "Sales Report"), el("p", {}, "Choose a date range to export sales."));
  }

  window.addEventListener("hashchange", () => void render());
  void render();
})();
</script>
</body>
</html>
`;
