import type { Role } from "@crm-sync/trigger";
import { SERVICE_NAMES, type ServiceName } from "./secured-services.ts";

/**
 * How each route is guarded. Listed by hand on purpose: the first test proves this list is
 * exactly what the apps serve, so a new route fails the suite until someone decides its guard.
 * The dashboard's static files (its pages, modules and texts) are public by design: they hold no data, and everything
 * the page shows comes from the authenticated API.
 */
export type Guard = "public" | "dashboard-static" | "api" | "push" | "scheduler";
export const ROUTE_GUARDS: Record<ServiceName, Record<string, Guard>> = {
  trigger: {
    "GET /healthz": "public",
    "GET /": "dashboard-static",
    "GET /runs/:runId": "dashboard-static",
    "GET /customers": "dashboard-static",
    "GET /history": "dashboard-static",
    "GET /dashboard/:file": "dashboard-static",
    "GET /dashboard/strings/:file": "dashboard-static",
    "POST /v1/syncs": "api",
    "POST /v1/syncs/replay": "api",
    "GET /v1/syncs": "api",
    "GET /v1/syncs/:runId": "api",
    "GET /v1/syncs/:runId/events": "api",
    "POST /v1/syncs/:runId/approve": "api",
    "POST /v1/syncs/:runId/discard": "api",
    "GET /v1/syncs/:runId/rejects": "api",
    "GET /v1/syncs/:runId/rejects.csv": "api",
    "GET /v1/syncs/:runId/removals": "api",
    "GET /v1/syncs/:runId/screenshots/:index": "api",
    "GET /v1/history": "api",
    "GET /v1/trend": "api",
    "GET /v1/me": "api",
    "POST /v1/customers/search": "api",
    "GET /v1/customers/:customerId": "api",
    "GET /v1/freshness": "api",
    "POST /v1/sweep-stage-timeouts": "scheduler",
    "POST /pubsub/sync-requested": "push",
    "POST /pubsub/sync-progress": "push",
    "POST /pubsub/csv-ready": "push",
    "POST /pubsub/sync-completed": "push",
    "POST /pubsub/sync-failed": "push",
  },
  scraper: {
    "GET /healthz": "public",
    "POST /pubsub/scrape-requested": "push",
  },
  loader: {
    "GET /healthz": "public",
    "POST /pubsub/csv-ready": "push",
  },
  notifier: {
    "GET /healthz": "public",
    "POST /v1/staleness-check": "scheduler",
    "POST /pubsub/sync-failed": "push",
    "POST /pubsub/sync-completed": "push",
    "POST /pubsub/sync-dead-letter": "push",
  },
};

/**
 * The least role each trigger API route needs, also by hand: a suite checks this list covers
 * exactly the `api` routes above. Replay is operator here; which export an operator may replay
 * is the replay suite's business (services/trigger/test/replay-roles.integration.test.ts).
 */
export const API_ROUTE_ROLES: Record<string, Role> = {
  "GET /v1/syncs": "viewer",
  "GET /v1/syncs/:runId": "viewer",
  "GET /v1/syncs/:runId/events": "viewer",
  "GET /v1/freshness": "viewer",
  "POST /v1/syncs": "operator",
  "POST /v1/syncs/replay": "operator",
  "POST /v1/syncs/:runId/approve": "approver",
  "POST /v1/syncs/:runId/discard": "approver",
  "GET /v1/syncs/:runId/rejects": "viewer",
  "GET /v1/syncs/:runId/rejects.csv": "viewer",
  "GET /v1/syncs/:runId/removals": "viewer",
  "GET /v1/syncs/:runId/screenshots/:index": "operator",
  "GET /v1/history": "viewer",
  "GET /v1/trend": "viewer",
  "GET /v1/me": "viewer",
  // Names and phone numbers: office staff (operator and up), not a status-only viewer.
  "POST /v1/customers/search": "operator",
  "GET /v1/customers/:customerId": "operator",
};

export const routesGuardedBy = (guard: Guard) =>
  SERVICE_NAMES.flatMap((service) =>
    Object.entries(ROUTE_GUARDS[service])
      .filter(([, g]) => g === guard)
      .map(([route]) => {
        const [method = "", pattern = ""] = route.split(" ");
        return { service, method, pattern, label: `${service} ${route}` };
      }),
  );
