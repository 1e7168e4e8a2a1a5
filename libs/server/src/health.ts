import { Router } from "express";

export type HealthCheck = () => Promise<void> | void;

/** `GET /healthz`: 200 when every check passes, 503 naming the failing checks otherwise. */
export function healthRouter(service: string, checks: Record<string, HealthCheck> = {}): Router {
  const router = Router();
  router.get("/healthz", async (_req, res) => {
    const failed: string[] = [];
    for (const [name, check] of Object.entries(checks)) {
      try {
        await check();
      } catch {
        failed.push(name);
      }
    }
    res.status(failed.length === 0 ? 200 : 503).json({ service, ok: failed.length === 0, failed });
  });
  return router;
}
