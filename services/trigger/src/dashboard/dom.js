// Builds elements from data. Text is only ever set with textContent, never parsed as HTML.

/** el("a", { href: "/x", class: "muted" }, "text", childElement) */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "hidden" || name === "disabled") node[name] = Boolean(value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A definition list of [label, value] pairs (values may be elements). */
export function facts(pairs, attributes = {}) {
  return el("dl", { class: "facts", ...attributes }, pairs.filter(([, value]) => value !== undefined && value !== null && value !== "").map(([label, value, key]) => [
    el("dt", {}, label),
    el("dd", key ? { "data-fact": key } : {}, value),
  ]));
}

export function table(headers, rows, attributes = {}) {
  return el(
    "table",
    attributes,
    el("thead", {}, el("tr", {}, headers.map((header) => el("th", { scope: "col" }, header)))),
    el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((cell) => el("td", {}, cell))))),
  );
}

export const byId = (id) => document.getElementById(id);
