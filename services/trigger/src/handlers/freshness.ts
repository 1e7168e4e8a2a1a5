import type { RequestHandler } from "express";
import { computeFreshness } from "../domain/freshness.ts";
import type { RunStore } from "../store/runs-store.ts";

/** `GET /v1/freshness`: when the customer table last matched the portal, and whether that is too long ago. */
export function getFreshness(deps: { store: RunStore; clock: () => Date; staleAfterMs: number }): RequestHandler {
  return async (_req, res) => {
    const facts = await deps.store.freshnessFacts();
    res.json(computeFreshness({ ...facts, now: deps.clock(), staleAfterMs: deps.staleAfterMs }));
  };
}
