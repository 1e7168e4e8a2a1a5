// Next.js App Router route: GET /api/crm/status?limit=10 answers `{ runs, freshness }` read from
// Supabase as the signed-in staff user (see lib/status.ts). The dashboard sends the user's
// Supabase access token as `Authorization: Bearer …`; without one nothing is read, and RLS would
// refuse it anyway. Only public values live in the environment: the URL and the anon key.
import { createStatusClient, readSyncStatus, StatusReadError, type StatusErrorCode } from "../../../../lib/status.ts";

const HTTP_STATUS: Record<StatusErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  SERVICE_KEY_REFUSED: 500,
  UNAVAILABLE: 502,
  REQUEST_FAILED: 502,
  BAD_RESPONSE: 502,
};

const problem = (status: number, code: string, message: string) => Response.json({ error: { code, message } }, { status });

function limitFrom(url: URL): number {
  const limit = Number(url.searchParams.get("limit") ?? "10");
  return Number.isInteger(limit) && limit >= 1 && limit <= 50 ? limit : 10;
}

export async function GET(request: Request): Promise<Response> {
  const url = process.env["NEXT_PUBLIC_SUPABASE_URL"];
  const anonKey = process.env["NEXT_PUBLIC_SUPABASE_ANON_KEY"];
  if (!url || !anonKey) return problem(500, "NOT_CONFIGURED", "NEXT_PUBLIC_SUPABASE_URL and NEXT_PUBLIC_SUPABASE_ANON_KEY must be set.");
  const accessToken = /^Bearer (\S+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
  if (accessToken === undefined) return problem(401, "UNAUTHENTICATED", "Sign in to see the customer sync status.");
  try {
    const client = createStatusClient({ url, anonKey, accessToken });
    return Response.json(await readSyncStatus(client, limitFrom(new URL(request.url))), { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (error instanceof StatusReadError) return problem(HTTP_STATUS[error.code], error.code, error.message);
    return problem(502, "INTERNAL", "The customer sync status could not be read.");
  }
}
