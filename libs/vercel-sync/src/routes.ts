import { SyncRequestError } from "./errors.ts";
import { parseVercelSyncEnv, type VercelSyncEnv } from "./env.ts";
import { requesterFromEnv } from "./from-env.ts";
import type { SyncRequester } from "./requester.ts";
import type { GetSession, StaffSession } from "./session.ts";
import { supabaseSession } from "./session.ts";
import { createStatusClient, readRun, readSyncStatus, StatusReadError, type StatusClient, type StatusErrorCode } from "./status.ts";

export interface SyncRoutesOptions {
  /** The app's session check; by default a Supabase Auth bearer token checked with `auth.getUser`. */
  getSession?: GetSession;
  /** How a request goes out; by default what the environment describes (see requesterFromEnv). */
  requester?: (request: Request) => SyncRequester;
  /** Where status is read; by default Supabase with the session's token. */
  statusClient?: (session: StaffSession) => StatusClient;
  /** By default process.env, read when the first request arrives (not at import, so `next build` needs none). */
  env?: Record<string, string | undefined>;
}

export interface SyncRoutes {
  /** Starts a sync for the signed-in staff member: 202 `{ runId, via, coalesced }`, 401 without a session. */
  POST(request: Request): Promise<Response>;
  /** `?runId=` → `{ run }` (null until the ledger has it); otherwise `{ runs, freshness }`. 401 without a session. */
  GET(request: Request): Promise<Response>;
}

const STATUS_HTTP: Record<StatusErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  SERVICE_KEY_REFUSED: 500,
  UNAVAILABLE: 502,
  REQUEST_FAILED: 502,
  BAD_RESPONSE: 502,
};

const problem = (status: number, code: string, message: string) =>
  Response.json({ error: { code, message } }, { status, headers: { "Cache-Control": "no-store" } });

function failure(error: unknown): Response {
  if (error instanceof StatusReadError) return problem(STATUS_HTTP[error.code], error.code, error.message);
  if (error instanceof SyncRequestError) return problem(error.retryable ? 503 : error.code === "TRIGGER_REFUSED" ? 502 : 500, error.code, error.message);
  return problem(500, "INTERNAL", "The customer sync could not be reached.");
}

function limitFrom(url: URL): number {
  const limit = Number(url.searchParams.get("limit") ?? "10");
  return Number.isInteger(limit) && limit >= 1 && limit <= 50 ? limit : 10;
}

/** Next.js App Router handlers: `export const { POST, GET } = createSyncRoutes();` in a route.ts. */
export function createSyncRoutes(options: SyncRoutesOptions = {}): SyncRoutes {
  let env: VercelSyncEnv | undefined;
  const config = () => (env ??= parseVercelSyncEnv(options.env ?? process.env));
  const getSession: GetSession = (request) =>
    (options.getSession ?? supabaseSession({ url: config().NEXT_PUBLIC_SUPABASE_URL, anonKey: config().NEXT_PUBLIC_SUPABASE_ANON_KEY }))(request);
  const requester = (request: Request) => options.requester?.(request) ?? requesterFromEnv(config(), request);
  const statusClient = (session: StaffSession) =>
    options.statusClient?.(session) ??
    createStatusClient({ url: config().NEXT_PUBLIC_SUPABASE_URL, anonKey: config().NEXT_PUBLIC_SUPABASE_ANON_KEY, accessToken: session.accessToken });

  const signedIn = async (request: Request): Promise<StaffSession | Response> =>
    (await getSession(request)) ?? problem(401, "UNAUTHENTICATED", "Sign in to update customer data.");

  return {
    async POST(request) {
      try {
        const session = await signedIn(request);
        if (session instanceof Response) return session;
        const receipt = await requester(request).requestSync({ requestedBy: session.label });
        return Response.json({ runId: receipt.runId, via: receipt.via, coalesced: receipt.coalesced }, { status: 202, headers: { "Cache-Control": "no-store" } });
      } catch (error) {
        return failure(error);
      }
    },
    async GET(request) {
      try {
        const session = await signedIn(request);
        if (session instanceof Response) return session;
        const url = new URL(request.url);
        const runId = url.searchParams.get("runId");
        const client = statusClient(session);
        const body = runId === null ? await readSyncStatus(client, limitFrom(url)) : { run: (await readRun(client, runId)) ?? null };
        return Response.json(body, { headers: { "Cache-Control": "no-store" } });
      } catch (error) {
        return failure(error);
      }
    },
  };
}
