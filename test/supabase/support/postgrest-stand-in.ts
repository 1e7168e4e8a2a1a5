import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "@crm-sync/db";
import { verifyJwt } from "./jwt.ts";

/**
 * PostgREST (behind Supabase's API gateway) cannot run here, so this stands in for the two calls
 * the dashboard makes. It accepts only those calls, in the form PostgREST documents, and answers
 * them the way PostgREST does: by switching to the JWT's role in a transaction and running the
 * equivalent SQL on a real database with the real migrations, so grants, RLS and column names are
 * the database's, not the stand-in's.
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
    if (route === "GET /rest/v1/runs") {
      if (recorded.headers.acceptProfile !== "crm_sync") return problem(406, "PGRST106", "The schema must be one of the following: crm_sync");
      const sql = selectRunsSql(recorded.query);
      if (typeof sql !== "string") return sql;
      return await asRole(role, claims, sql, [Number(recorded.query["limit"])]);
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

  /** GET /runs?select=a,b&order=c.desc,d.asc&limit=n, and nothing else: the dashboard's query. */
  function selectRunsSql(query: Record<string, string>): string | Answer {
    const unknown = Object.keys(query).filter((name) => !["select", "order", "limit"].includes(name));
    if (unknown.length > 0) return problem(400, "PGRST100", `Unexpected query parameters: ${unknown.join(",")}`);
    const columns = (query["select"] ?? "").split(",");
    if (!columns.every((column) => IDENTIFIER.test(column))) return problem(400, "PGRST100", "select must list plain column names");
    const order = (query["order"] ?? "").split(",").map((term) => ORDER_TERM.exec(term));
    if (order.some((term) => term === null)) return problem(400, "PGRST100", "order must be column.asc|desc terms");
    const limit = Number(query["limit"]);
    if (!Number.isInteger(limit) || limit < 0) return problem(400, "PGRST100", "limit must be a whole number");
    const orderBy = order.map((term) => `"${term?.[1]}" ${term?.[2]}${term?.[3] === undefined ? "" : term[3] === "nullsfirst" ? " nulls first" : " nulls last"}`);
    return `select coalesce(json_agg(t), '[]'::json) as body from (select ${columns.map((c) => `"${c}"`).join(", ")} from crm_sync.runs order by ${orderBy.join(", ")} limit $1) t`;
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
