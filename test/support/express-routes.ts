import type { Express } from "express";

/** The parts of express 5's router layers this walk reads (they are not in its type definitions). */
interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/**
 * Every route an express app serves, as `METHOD /path` (e.g. `POST /v1/syncs/:runId/approve`),
 * found by walking its router stack, mounted routers included. A security suite compares this
 * with the routes it checks, so a route added later cannot go unchecked.
 */
export function listRoutes(app: Express): string[] {
  const routes: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route !== undefined) {
        for (const method of Object.keys(layer.route.methods)) routes.push(`${method.toUpperCase()} ${prefix}${String(layer.route.path)}`);
      } else if (layer.handle?.stack !== undefined) {
        if (typeof layer.rawPath !== "string") throw new Error("a router is mounted on a non-string path; extend listRoutes to read it");
        walk(layer.handle.stack, layer.rawPath === "/" ? prefix : `${prefix}${layer.rawPath}`);
      }
    }
  };
  const router = (app as unknown as { router?: { stack?: Layer[] } }).router;
  if (router?.stack === undefined) throw new Error("not an express 5 app: no router stack to walk");
  walk(router.stack, "");
  return routes.sort();
}

/** `/syncs/:runId/events` → `/syncs/run-x/events`: a concrete path for a route pattern. */
export function concretePath(pattern: string, value = "run-security-1"): string {
  return pattern.replace(/:[A-Za-z]+/g, value);
}
