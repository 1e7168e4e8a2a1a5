// POST starts a customer sync for the signed-in staff member (401 without a Supabase session):
// @crm-sync/vercel publishes `sync-requested` to Pub/Sub. GET ?runId=… reads that run's status,
// GET alone the recent runs and data freshness, both from Supabase as that staff member (RLS).
// Configuration comes from the environment; see the README's table.
import { createSyncRoutes } from "@crm-sync/vercel";

// Pub/Sub's client needs Node.js (gRPC), and every answer is per user and per moment.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const routes = createSyncRoutes();
export const POST = routes.POST;
export const GET = routes.GET;
