import { fileURLToPath } from "node:url";
import { Router, type Response } from "express";
import { Language, messageCatalog } from "@crm-sync/messages";

const DIR = fileURLToPath(new URL("../dashboard/", import.meta.url));

/** The page's addresses: one HTML file, whose script shows the view for the path. Emails link to `/runs/<runId>`. */
const PAGES = ["/", "/runs/:runId", "/customers", "/history"];

/** The page's modules and style, by name (nothing else in the folder is served). */
const ASSETS: Record<string, string> = {
  "dashboard.css": "text/css; charset=utf-8",
  ...Object.fromEntries(
    ["main.js", "api.js", "i18n.js", "texts.js", "dom.js", "chart.js", "run-words.js", "home-view.js", "run-view.js", "customers-view.js", "history-view.js"].map(
      (file) => [file, "text/javascript; charset=utf-8"],
    ),
  ),
};

/**
 * The policy allows only this origin's script, style and connections, images from this origin or
 * from a blob the page made (a screenshot it fetched with its token), and no referrer, so nothing
 * in the address (a `#token=` sign-in link is removed at once) leaks to another site.
 */
function secure(res: Response, type: string): void {
  res.set({
    "content-type": type,
    "content-security-policy":
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' blob:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "cache-control": "no-cache",
  });
}

/**
 * The dashboard's static files and texts are public (they hold no data); everything they show
 * comes from the authenticated API.
 */
export function dashboardRouter(): Router {
  const router = Router();
  for (const path of PAGES) {
    router.get(path, (_req, res) => {
      secure(res, "text/html; charset=utf-8");
      res.sendFile("index.html", { root: DIR });
    });
  }
  router.get("/dashboard/strings/:file", (req, res) => {
    const language = Language.safeParse(req.params["file"].replace(/\.json$/, ""));
    if (!language.success || !req.params["file"].endsWith(".json")) return void res.status(404).json({ error: { code: "NOT_FOUND", message: "No such language." } });
    secure(res, "application/json; charset=utf-8");
    res.send(JSON.stringify(messageCatalog(language.data)));
  });
  router.get("/dashboard/:file", (req, res) => {
    const type = ASSETS[req.params["file"]];
    if (type === undefined) return void res.status(404).json({ error: { code: "NOT_FOUND", message: "No such file." } });
    secure(res, type);
    res.sendFile(req.params["file"], { root: DIR });
  });
  return router;
}
