// The dashboard's entry: signs in (token from a #token= link or the form), learns who the caller
// is, and shows the view for the address. No build step: each module has one job (api: the
// trigger API; i18n + texts: words; dom: building elements; *-view: one page each).
import { api, forgetToken, setToken, takeTokenFromUrl, token, Unauthorized } from "./api.js";
import { byId } from "./dom.js";
import { currentLanguage, loadLanguage, t, translateStatic } from "./i18n.js";
import { customersView } from "./customers-view.js";
import { historyView } from "./history-view.js";
import { homeView } from "./home-view.js";
import { runView } from "./run-view.js";

function showLogin(message) {
  forgetToken();
  byId("login").hidden = false;
  byId("sign-out").hidden = true;
  byId("signed-in-as").hidden = true;
  byId("view").replaceChildren();
  byId("login-error").hidden = !message;
  byId("login-error").textContent = message ?? "";
}

function route(view, ctx) {
  const path = window.location.pathname;
  // Older alert emails linked to `/?run=<id>`: that run's page now.
  const linked = new URL(window.location.href).searchParams.get("run");
  if (path === "/" && linked) return runView(view, ctx, linked);
  const run = /^\/runs\/([^/]+)$/.exec(path);
  if (run) return runView(view, ctx, decodeURIComponent(run[1]));
  if (path === "/customers") return customersView(view, ctx);
  if (path === "/history") return historyView(view, ctx);
  return homeView(view, ctx);
}

async function start() {
  byId("login").hidden = true;
  try {
    const me = await api("/v1/me");
    byId("sign-out").hidden = false;
    byId("signed-in-as").hidden = false;
    byId("signed-in-as").textContent = t("signedInAs", { name: me.name, role: t(`role.${me.role}`) });
    for (const link of byId("nav").querySelectorAll("a")) link.toggleAttribute("aria-current", link.getAttribute("href") === window.location.pathname);
    await route(byId("view"), { me, expired: () => showLogin(t("login.expired")) });
  } catch (error) {
    if (error instanceof Unauthorized) return showLogin(t("login.refused"));
    byId("view").replaceChildren(Object.assign(document.createElement("p"), { className: "error", textContent: t("loadFailed", { why: error.message }) }));
  }
}

function languageButton() {
  const other = currentLanguage() === "th" ? "en" : "th";
  const button = byId("language");
  button.textContent = other === "th" ? "ภาษาไทย" : "English";
  button.lang = other;
}

byId("login").addEventListener("submit", (event) => {
  event.preventDefault();
  setToken(byId("token").value);
  byId("token").value = "";
  start();
});
byId("sign-out").addEventListener("click", () => showLogin());
byId("language").addEventListener("click", async () => {
  await loadLanguage(currentLanguage() === "th" ? "en" : "th");
  translateStatic();
  languageButton();
  if (token()) start();
  else showLogin();
});

takeTokenFromUrl();
await loadLanguage();
translateStatic();
languageButton();
if (token()) start();
else showLogin();
