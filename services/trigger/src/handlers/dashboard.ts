import { fileURLToPath } from "node:url";
import { Router } from "express";

const DIR = fileURLToPath(new URL("../dashboard/", import.meta.url));

const FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/dashboard.js": { file: "dashboard.js", type: "text/javascript; charset=utf-8" },
  "/dashboard.css": { file: "dashboard.css", type: "text/css; charset=utf-8" },
};

/**
 * The dashboard's static files are public (they hold no data); everything they show comes from
 * the authenticated API. The policy allows only this origin's script and connections, and no
 * referrer, so nothing in the address (a `#token=` sign-in link is removed at once) leaks to another site.
 */
export function dashboardRouter(): Router {
  const router = Router();
  for (const [path, { file, type }] of Object.entries(FILES)) {
    router.get(path, (_req, res) => {
      res.set({
        "content-type": type,
        "content-security-policy":
          "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        "referrer-policy": "no-referrer",
        "x-content-type-options": "nosniff",
        "cache-control": "no-cache",
      });
      res.sendFile(file, { root: DIR });
    });
  }
  return router;
}
