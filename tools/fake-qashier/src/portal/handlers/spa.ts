import type { RequestHandler } from "express";
import { SPA_PAGE } from "../spa-page.ts";

export function spaHandler(): RequestHandler {
  return (_req, res) => {
    res.set("Cache-Control", "no-store").type("html").send(SPA_PAGE);
  };
}
