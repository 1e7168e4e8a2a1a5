// Customer lookup: by name or phone (typed with or without the leading 0, dashes or +66), a
// customer's current row and every change crm-sync made to it (when, which run, what changed).
import { api, post } from "./api.js";
import { el, facts, table } from "./dom.js";
import { formatDateTime, formatNumber, t } from "./i18n.js";

const FIELD_KEYS = {
  store: "field.store", customer_name: "field.name", contact_number: "field.phone", address: "field.address", email: "field.email",
  date_of_birth: "field.birthday", date_joined: "field.joined", available_credit: "field.credit", available_point: "field.points",
  source: "field.source", sms_pdpa: "field.smsPdpa", email_pdpa: "field.emailPdpa", deleted_at: "field.removedAt", customer_key: "field.key",
};
const fieldName = (field) => (FIELD_KEYS[field] ? t(FIELD_KEYS[field]) : field);
const valueText = (value) => (value === null || value === undefined || value === "" ? "—" : typeof value === "boolean" ? t(value ? "yes" : "no") : String(value));

function customerCard(customer, changes) {
  return el("section", { id: "customer", "aria-labelledby": "customer-heading" },
    el("h2", { id: "customer-heading" }, customer.name || "—"),
    customer.removedAt ? el("p", { class: "stale", id: "customer-removed" }, t("customers.removedAt", { when: formatDateTime(customer.removedAt) })) : null,
    facts([
      [t("field.phone"), customer.contactNumber || "—", "phone"],
      [t("field.store"), customer.store || "—"],
      [t("field.email"), customer.email],
      [t("field.address"), customer.address],
      [t("field.birthday"), customer.dateOfBirth],
      [t("field.joined"), customer.dateJoined],
      [t("field.credit"), customer.availableCredit],
      [t("field.points"), customer.availablePoint],
      [t("field.source"), customer.source],
      [t("customers.lastChanged"), formatDateTime(customer.updatedAt)],
    ], { id: "customer-row" }),
    el("h3", {}, t("customers.history")),
    table([t("col.when"), t("col.run"), t("col.change"), t("col.whatChanged")], changes.map((change) => [
      formatDateTime(change.at),
      el("a", { href: `/runs/${encodeURIComponent(change.runId)}` }, change.runId),
      t(`change.${change.kind}`),
      el("ul", { class: "changes" }, change.fields.map((f) => el("li", {}, `${fieldName(f.field)}: ${valueText(f.before)} → ${valueText(f.after)}`))),
    ]), { id: "changes" }));
}

/**
 * The search lives in the fragment (`#q=…&id=…`), which the browser never sends to a server: a
 * name or phone number typed here must not end up in request logs. The API gets it in a body.
 */
const searchState = () => new URLSearchParams(window.location.hash.slice(1));
const stateHash = (q, id) => `#${new URLSearchParams(id ? { q, id } : { q }).toString()}`;

async function showResults(results, detail) {
  const state = searchState();
  const q = state.get("q");
  const id = state.get("id");
  results.replaceChildren();
  detail.replaceChildren();
  if (q) {
    try {
      const found = await post("/v1/customers/search", { q });
      results.replaceChildren(
        el("p", { id: "found", role: "status" }, t(found.by === "phone" ? "customers.foundByPhone" : "customers.foundByName", { n: formatNumber(found.customers.length) })),
        table([t("col.customer"), t("col.phone"), t("field.store"), t("col.status")], found.customers.map((c) => [
          el("a", { href: stateHash(q, c.customerId) }, c.name || "—"),
          c.contactNumber, c.store, c.removed ? t("customers.removed") : t("customers.active"),
        ]), { id: "customer-results" }));
    } catch (error) {
      results.replaceChildren(el("p", { class: "error", role: "alert" }, error.message));
    }
  }
  if (id) {
    const { customer, changes } = await api(`/v1/customers/${encodeURIComponent(id)}`);
    detail.replaceChildren(customerCard(customer, changes));
  }
}

export async function customersView(view, ctx) {
  if (ctx.me.role === "viewer") {
    view.replaceChildren(el("h1", {}, t("customers.heading")), el("p", { id: "customers-refused" }, t("customers.needsOperator")));
    return;
  }
  const input = el("input", { id: "customer-search", name: "q", type: "search", required: true, minlength: 2, value: searchState().get("q") ?? "" });
  const form = el("form", { id: "search", role: "search" },
    el("label", { for: "customer-search" }, t("customers.searchLabel")), input, el("button", { type: "submit" }, t("customers.search")));
  const results = el("div", { id: "results" });
  const detail = el("div", { id: "detail" });
  view.replaceChildren(el("h1", {}, t("customers.heading")), el("p", { class: "muted" }, t("customers.explain")), form, results, detail);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    window.location.hash = stateHash(input.value.trim());
  });
  // One listener per page load: a language switch draws the view again but the page is the same.
  if (!customersView.listening) {
    customersView.listening = true;
    window.addEventListener("hashchange", () => customersView.redraw?.());
  }
  customersView.redraw = () => showResults(results, detail);
  await showResults(results, detail);
}
