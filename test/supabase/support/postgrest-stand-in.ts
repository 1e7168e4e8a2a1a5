import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "@crm-sync/db";
import { verifyJwt } from "./jwt.ts";

/**
 * PostgREST and Supabase Auth (behind Supabase's API gateway) cannot run here, so this stands in
 * for the calls the status reader and the route's session check make. It accepts only those
 * calls, in the form PostgREST documents, and answers them the way PostgREST does: by switching
 * to the JWT's role in a transaction and running the equivalent SQL on a real database with the
 * real migrations, so grants, RLS and column names are the database's, not the stand-in's.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: { apikey?: string; authorization?: string; acceptProfile?: string; contentProfile?: string; contentType?: string };
  body: unknown;
}

export interface PostgrestStandIn {
  /** Give this to createClient as the Supabase URL. */
  url: string;
  requests: RecordedRequest[];
  /** Answer the next request with this instead of asking the database. */
  answerNextWith(status: number, body: unknown): void;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: unknown;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const ORDER_TERM = /^([a-z_][a-z0-9_]*)\.(asc|desc)(?:\.(nullsfirst|nullslast))?$/;
/** The roles PostgREST's authenticator may switch to on Supabase (service_role is not used here). */
const API_ROLES = new Set(["anon", "authenticated"]);
/** The relations the status reader reads; PostgREST would serve any exposed one, and RLS decides. */
const READABLE = /^GET \/rest\/v1\/(runs|run_status)$/;

const problem = (status: number, code: string | null, message: string): Answer => ({ status, body: { code, details: null, hint: null, message } });

export async function startPostgrestStandIn(options: { db: Database; anonKey: string; jwtSecret: string }): Promise<PostgrestStandIn> {
  const requests: RecordedRequest[] = [];
  let override: Answer | undefined;

  async function handle(req: IncomingMessage, recorded: RecordedRequest): Promise<Answer> {
    if (override !== undefined) {
      const answer = override;
      override = undefined;
      return answer;
    }
    // The gateway: every request names the project's API key.
    if (recorded.headers.apikey === undefined) return { status: 401, body: { message: "No API key found in request" } };
    if (recorded.headers.apikey !== options.anonKey) return { status: 401, body: { message: "Invalid API key" } };

    if (req.method === "GET" && recorded.path === "/auth/v1/user") return authUser(recorded);

    // PostgREST: the bearer token decides the role; without one it is anon.
    let role = "anon";
    let claims: Record<string, unknown> = { role };
    const bearer = /^Bearer (\S+)$/.exec(recorded.headers.authorization ?? "")?.[1];
    if (recorded.headers.authorization !== undefined && bearer === undefined) return problem(401, "PGRST301", "Malformed Authorization header");
    if (bearer !== undefined) {
      const verified = verifyJwt(bearer, options.jwtSecret, Math.floor(Date.now() / 1000));
      if ("problem" in verified) return verified.problem === "expired" ? problem(401, "PGRST303", "JWT expired") : problem(401, "PGRST301", "JWSError JWSInvalidSignature");
      claims = verified.claims;
      role = String(claims["role"] ?? "anon");
      if (!API_ROLES.has(role)) return problem(401, "PGRST301", "The JWT role is not an API role");
    }

    const route = `${req.method} ${recorded.path}`;
    const table = READABLE.exec(route)?.[1];
    if (table !== undefined) {
      if (recorded.headers.acceptProfile !== "crm_sync") return problem(406, "PGRST106", "The schema must be one of the following: crm_sync");
      const query = selectSql(table, recorded.query);
      if ("status" in query) return query;
      return await asRole(role, claims, query.sql, query.params);
    }
    if (route === "POST /rest/v1/rpc/freshness") {
      if (recorded.headers.contentProfile !== "crm_sync") return problem(406, "PGRST106", "The schema must be one of the following: crm_sync");
      if (recorded.headers.contentType !== "application/json") return problem(415, "PGRST102", "Content-Type must be application/json");
      const body = recorded.body;
      if (typeof body !== "object" || body === null || Array.isArray(body)) return problem(400, "PGRST102", "Body must be a JSON object");
      const args = Object.keys(body);
      if (args.some((name) => name !== "stale_after_seconds")) return problem(404, "PGRST202", "Could not find the function crm_sync.freshness with these parameters");
      // Named arguments, as PostgREST calls functions.
      return args.length === 0
        ? await asRole(role, claims, "select row_to_json(f) as body from crm_sync.freshness() f", [])
        : await asRole(role, claims, "select row_to_json(f) as body from crm_sync.freshness(stale_after_seconds => $1) f", [
            (body as { stale_after_seconds: unknown }).stale_after_seconds as number,
          ]);
    }
    return problem(404, "PGRST125", `Invalid path specified in request URL: ${route}`);
  }

  /**
   * Supabase Auth's GET /auth/v1/user, which `auth.getUser(token)` calls: the access token is
   * checked (signature, expiry) and must name a user; the answer is that user. Staff users are
   * whoever holds a token signed with the project's secret, as in Supabase.
   */
  function authUser(recorded: RecordedRequest): Answer {
    const bearer = /^Bearer (\S+)$/.exec(recorded.headers.authorization ?? "")?.[1];
    const refused = (status: number, errorCode: string, msg: string): Answer => ({ status, body: { code: status, error_code: errorCode, msg } });
    if (bearer === undefined) return refused(401, "no_authorization", "This endpoint requires a valid Bearer token");
    const verified = verifyJwt(bearer, options.jwtSecret, Math.floor(Date.now() / 1000));
    if ("problem" in verified) return refused(403, "bad_jwt", `invalid JWT: ${verified.problem}`);
    const { sub, email, role } = verified.claims;
    if (typeof sub !== "string") return refused(403, "bad_jwt", "invalid claim: missing sub claim");
    return {
      status: 200,
      body: { id: sub, aud: "authenticated", role, email: typeof email === "string" ? email : "", app_metadata: {}, user_metadata: {}, created_at: "2026-01-01T00:00:00Z" },
    };
  }

  /**
   * GET /<table>?select=a,b[&order=c.desc,d.asc][&limit=n][&id=eq.x], and nothing else: the
   * status reader's queries (the latest runs; one run by id).
   */
  function selectSql(table: string, query: Record<string, string>): { sql: string; params: (string | number)[] } | Answer {
    const unknown = Object.keys(query).filter((name) => !["select", "order", "limit", "id"].includes(name));
    if (unknown.length > 0) return problem(400, "PGRST100", `Unexpected query parameters: ${unknown.join(",")}`);
    const columns = (query["select"] ?? "").split(",");
    if (!columns.every((column) => IDENTIFIER.test(column))) return problem(400, "PGRST100", "select must list plain column names");
    const params: (string | number)[] = [];
    let where = "";
    if (query["id"] !== undefined) {
      const value = /^eq\.(.+)$/.exec(query["id"])?.[1];
      if (value === undefined) return problem(400, "PGRST100", "id must be an eq. filter");
      params.push(value);
      where = ` where "id" = $${params.length}`;
    }
    let orderBy = "";
    if (query["order"] !== undefined) {
      const order = query["order"].split(",").map((term) => ORDER_TERM.exec(term));
      if (order.some((term) => term === null)) return problem(400, "PGRST100", "order must be column.asc|desc terms");
      orderBy = ` order by ${order.map((term) => `"${term?.[1]}" ${term?.[2]}${term?.[3] === undefined ? "" : term[3] === "nullsfirst" ? " nulls first" : " nulls last"}`).join(", ")}`;
    }
    let limit = "";
    if (query["limit"] !== undefined) {
      const n = Number(query["limit"]);
      if (!Number.isInteger(n) || n < 0) return problem(400, "PGRST100", "limit must be a whole number");
      params.push(n);
      limit = ` limit $${params.length}`;
    }
    const sql = `select coalesce(json_agg(t), '[]'::json) as body from (select ${columns.map((c) => `"${c}"`).join(", ")} from crm_sync.${table}${where}${orderBy}${limit}) t`;
    return { sql, params };
  }

  async function asRole(role: string, claims: Record<string, unknown>, text: string, params: (string | number)[]): Promise<Answer> {
    try {
      return await options.db.sql.begin(async (tx) => {
        await tx.unsafe(`set local role ${role}`); // role is one of API_ROLES
        await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
        const [row] = await tx.unsafe(text, params);
        return { status: 200, body: row?.["body"] ?? null };
      });
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      // PostgREST: insufficient privilege is 401 for the anonymous role, 403 for a signed-in one.
      if (code === "42501") return problem(role === "anon" ? 401 : 403, code, message ?? "permission denied");
      if (code === "42703") return problem(400, code, message ?? "column does not exist");
      return problem(500, code ?? null, message ?? "database error");
    }
  }

  async function readBody(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    if (text === "") return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://stand-in");
      const header = (name: string) => (typeof req.headers[name] === "string" ? (req.headers[name] as string) : undefined);
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(
          Object.entries({
            apikey: header("apikey"),
            authorization: header("authorization"),
            acceptProfile: header("accept-profile"),
            contentProfile: header("content-profile"),
            contentType: header("content-type"),
          }).filter(([, value]) => value !== undefined),
        ),
        body: await readBody(req),
      };
      requests.push(recorded);
      const answer = await handle(req, recorded).catch((error: unknown) => problem(500, null, (error as Error).message));
      res.writeHead(answer.status, { "Content-Type": "application/json; charset=utf-8" }).end(JSON.stringify(answer.body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answerNextWith(status, body) {
      override = { status, body };
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
