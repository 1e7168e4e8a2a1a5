// Customer lookup: by name or phone (typed with or without the leading 0, dashes or +66), a
// customer's current row and every change crm-sync made to it (when, which run, what changed).
import { api } from "./api.js";
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

export async function customersView(view, ctx) {
  if (ctx.me.role === "viewer") {
    view.replaceChildren(el("h1", {}, t("customers.heading")), el("p", { id: "customers-refused" }, t("customers.needsOperator")));
    return;
  }
  const url = new URL(window.location.href);
  const input = el("input", { id: "customer-search", name: "q", type: "search", required: true, minlength: 2, value: url.searchParams.get("q") ?? "" });
  const form = el("form", { id: "search", role: "search", action: "/customers" },
    el("label", { for: "customer-search" }, t("customers.searchLabel")), input, el("button", { type: "submit" }, t("customers.search")));
  const results = el("div", { id: "results" });
  const detail = el("div", { id: "detail" });
  view.replaceChildren(el("h1", {}, t("customers.heading")), el("p", { class: "muted" }, t("customers.explain")), form, results, detail);

  const q = url.searchParams.get("q");
  if (q) {
    try {
      const found = await api(`/v1/customers?q=${encodeURIComponent(q)}`);
      results.replaceChildren(
        el("p", { id: "found", role: "status" }, t(found.by === "phone" ? "customers.foundByPhone" : "customers.foundByName", { n: formatNumber(found.customers.length) })),
        table([t("col.customer"), t("col.phone"), t("field.store"), t("col.status")], found.customers.map((c) => [
          el("a", { href: `/customers?q=${encodeURIComponent(q)}&id=${encodeURIComponent(c.customerId)}` }, c.name || "—"),
          c.contactNumber, c.store, c.removed ? t("customers.removed") : t("customers.active"),
        ]), { id: "customer-results" }));
    } catch (error) {
      results.replaceChildren(el("p", { class: "error", role: "alert" }, error.message));
    }
  }
  const id = url.searchParams.get("id");
  if (id) {
    const { customer, changes } = await api(`/v1/customers/${encodeURIComponent(id)}`);
    detail.replaceChildren(customerCard(customer, changes));
  }
}
