import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate, openDatabase, type Database } from "@crm-sync/db";
import {
  createStatusClient,
  createSyncRoutes,
  readFreshness,
  readLatestRuns,
  readRun,
  RUN_STATUS_COLUMNS,
  StatusReadError,
  type SyncRequestInput,
} from "../../libs/vercel-sync/src/index.ts";
import { signJwt } from "./support/jwt.ts";
import { startPostgrestStandIn, type PostgrestStandIn } from "./support/postgrest-stand-in.ts";
import { seedSyntheticData, SYNTHETIC_COUNTS, SYNTHETIC_RUNS } from "./support/synthetic-data.ts";

const JWT_SECRET = "test-only-jwt-secret-for-the-postgrest-stand-in";
const ANON_KEY = signJwt({ iss: "supabase", ref: "test", role: "anon" }, JWT_SECRET);
const SERVICE_ROLE_KEY = signJwt({ iss: "supabase", ref: "test", role: "service_role" }, JWT_SECRET);
const STAFF_EMAIL = "front.desk@club.invalid";
const staffToken = (secret = JWT_SECRET) =>
  signJwt({ sub: "00000000-0000-4000-8000-000000000001", email: STAFF_EMAIL, role: "authenticated", exp: Math.floor(Date.now() / 1000) + 3600 }, secret);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("@crm-sync/vercel's status reader (supabase-js) against a local PostgREST-shaped handler (PostgREST cannot run here)", () => {
  let db: Database;
  let standIn: PostgrestStandIn;
  let seeded: { succeededAt: string; failedRequestedAt: string };

  beforeAll(async () => {
    db = await openDatabase("pglite://memory");
    await migrate(db);
    await seedSyntheticData(db.sql);
    const [row] = await db.sql<{ succeeded_at: Date; failed_requested_at: Date }[]>`
      select (select finished_at from crm_sync.runs where id = ${SYNTHETIC_RUNS.succeeded}) as succeeded_at,
             (select requested_at from crm_sync.runs where id = ${SYNTHETIC_RUNS.failed}) as failed_requested_at`;
    seeded = { succeededAt: row?.succeeded_at.toISOString() ?? "", failedRequestedAt: row?.failed_requested_at.toISOString() ?? "" };
    standIn = await startPostgrestStandIn({ db, anonKey: ANON_KEY, jwtSecret: JWT_SECRET });
  });
  afterAll(async () => {
    await standIn.close();
    await db.close();
  });
  beforeEach(() => {
    standIn.requests.length = 0;
  });

  const staffClient = (accessToken = staffToken()) => createStatusClient({ url: standIn.url, anonKey: ANON_KEY, accessToken });

  it("reads the newest runs from the view crm_sync.run_status with GET /rest/v1/run_status as the signed-in staff user", async () => {
    const token = staffToken();
    const runs = await readLatestRuns(staffClient(token), 2);

    expect(standIn.requests).toEqual([
      {
        method: "GET",
        path: "/rest/v1/run_status",
        query: { select: RUN_STATUS_COLUMNS.join(","), order: "requested_at.desc,id.desc", limit: "2" },
        headers: { apikey: ANON_KEY, authorization: `Bearer ${token}`, acceptProfile: "crm_sync" },
        body: undefined,
      },
    ]);
    expect(runs).toEqual([
      expect.objectContaining({ runId: SYNTHETIC_RUNS.queued, status: "queued", phase: "queued", stage: "queued", finishedAt: null, counts: null, error: null }),
      {
        runId: SYNTHETIC_RUNS.failed,
        phase: "failed",
        trigger: "manual",
        requestedBy: "front desk",
        status: "failed",
        stage: "scraping",
        message: null,
        requestedAt: seeded.failedRequestedAt,
        startedAt: seeded.failedRequestedAt,
        finishedAt: expect.any(String),
        counts: null,
        durationMs: null,
        error: { code: "PORTAL_UNAVAILABLE", message: "The portal did not answer." },
        destinationUntouched: true,
      },
    ]);
    const all = await readLatestRuns(staffClient(), 10);
    expect(all.map((run) => run.runId)).toEqual([SYNTHETIC_RUNS.queued, SYNTHETIC_RUNS.failed, SYNTHETIC_RUNS.succeeded]);
    expect(all[2]).toMatchObject({ status: "succeeded", phase: "done", finishedAt: seeded.succeededAt, counts: SYNTHETIC_COUNTS, durationMs: 61000 });
  });

  it("reads one run by id with an eq filter, and answers undefined for a run the ledger has not heard of yet", async () => {
    const token = staffToken();
    expect(await readRun(staffClient(token), SYNTHETIC_RUNS.succeeded)).toMatchObject({ runId: SYNTHETIC_RUNS.succeeded, phase: "done", counts: SYNTHETIC_COUNTS });
    expect(await readRun(staffClient(token), "run-not-yet-in-the-ledger")).toBeUndefined();
    expect(standIn.requests.map((request) => request.query)).toEqual([
      { select: RUN_STATUS_COLUMNS.join(","), id: `eq.${SYNTHETIC_RUNS.succeeded}` },
      { select: RUN_STATUS_COLUMNS.join(","), id: "eq.run-not-yet-in-the-ledger" },
    ]);
  });

  it("calls crm_sync.freshness() with POST /rest/v1/rpc/freshness and Content-Profile crm_sync", async () => {
    const token = staffToken();
    const freshness = await readFreshness(staffClient(token));
    expect(freshness).toEqual({ lastSuccessAt: seeded.succeededAt, ageSeconds: expect.any(Number), customerCount: 2, stale: false, staleAfterSeconds: 93_600 });
    expect(freshness.ageSeconds).toBeGreaterThanOrEqual(7200);

    const stricter = await readFreshness(staffClient(token), { staleAfterSeconds: 3600 });
    expect(stricter).toMatchObject({ lastSuccessAt: seeded.succeededAt, stale: true, staleAfterSeconds: 3600 });

    const expectedHeaders = { apikey: ANON_KEY, authorization: `Bearer ${token}`, contentProfile: "crm_sync", contentType: "application/json" };
    expect(standIn.requests).toEqual([
      { method: "POST", path: "/rest/v1/rpc/freshness", query: {}, headers: expectedHeaders, body: {} },
      { method: "POST", path: "/rest/v1/rpc/freshness", query: {}, headers: expectedHeaders, body: { stale_after_seconds: 3600 } },
    ]);
  });

  it("turns a 401 for a token Supabase did not sign into a typed UNAUTHENTICATED error without the token in it", async () => {
    const forged = staffToken("not-the-project-secret");
    for (const read of [(c: ReturnType<typeof staffClient>) => readLatestRuns(c), (c: ReturnType<typeof staffClient>) => readFreshness(c)]) {
      const error = await rejection(read(staffClient(forged)));
      expect(error).toBeInstanceOf(StatusReadError);
      expect(error).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
      expect((error as Error).message).toContain("PGRST301");
      expect((error as Error).message).not.toContain(forged);
    }
  });

  it("gets nothing with the anon key alone: the database refuses role anon, and PostgREST answers 401", async () => {
    const error = await rejection(readLatestRuns(staffClient(ANON_KEY)));
    expect(error).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
    expect(((error as Error).cause as { code?: string }).code).toBe("42501");
    expect(await rejection(readFreshness(staffClient(ANON_KEY)))).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
  });

  it("refuses a service_role key before sending anything", () => {
    for (const [anonKey, accessToken] of [
      [SERVICE_ROLE_KEY, staffToken()],
      ["sb_secret_0000000000000000000000", staffToken()],
      [ANON_KEY, SERVICE_ROLE_KEY],
    ] as const) {
      expect(() => createStatusClient({ url: standIn.url, anonKey, accessToken })).toThrow(
        expect.objectContaining({ code: "SERVICE_KEY_REFUSED" }) as Error,
      );
    }
    expect(standIn.requests).toEqual([]);
  });

  it("reports an answer in an unexpected shape as BAD_RESPONSE, and a 403 as FORBIDDEN", async () => {
    standIn.answerNextWith(200, [{ id: 42, status: "dancing" }]);
    expect(await rejection(readLatestRuns(staffClient()))).toMatchObject({ code: "BAD_RESPONSE" });
    standIn.answerNextWith(403, { code: "42501", details: null, hint: null, message: "permission denied for table runs" });
    expect(await rejection(readFreshness(staffClient()))).toMatchObject({ code: "FORBIDDEN", status: 403 });
  });

  describe("the route handlers (createSyncRoutes) with the Supabase session check", () => {
    const ROUTE = "https://dashboard.example.test/api/crm/update-customers";
    const requested: SyncRequestInput[] = [];
    const routes = () =>
      createSyncRoutes({
        env: { NEXT_PUBLIC_SUPABASE_URL: standIn.url, NEXT_PUBLIC_SUPABASE_ANON_KEY: ANON_KEY, CRM_SYNC_TRANSPORT: "http", CRM_SYNC_API_URL: "http://127.0.0.1:9", CRM_SYNC_API_TOKEN: "unused" },
        // Records what would go out; the real publish is covered on the emulator (route-on-stack test).
        requester: () => ({
          requestSync: async (input) => {
            requested.push(input);
            return { runId: "run-recorded", via: "pubsub", coalesced: false };
          },
        }),
      });
    beforeEach(() => {
      requested.length = 0;
    });

    it("answers runs and freshness for the staff user's bearer token, after Supabase Auth confirmed the user", async () => {
      const token = staffToken();
      const response = await routes().GET(new Request(`${ROUTE}?limit=1`, { headers: { authorization: `Bearer ${token}` } }));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        runs: [expect.objectContaining({ runId: SYNTHETIC_RUNS.queued, phase: "queued" })],
        freshness: expect.objectContaining({ lastSuccessAt: seeded.succeededAt, customerCount: 2, stale: false }),
      });
      expect(standIn.requests[0]).toMatchObject({ method: "GET", path: "/auth/v1/user", headers: { apikey: ANON_KEY, authorization: `Bearer ${token}` } });
    });

    it("answers one run for ?runId=, and null for one not yet in the ledger", async () => {
      const get = (runId: string) => routes().GET(new Request(`${ROUTE}?runId=${runId}`, { headers: { authorization: `Bearer ${staffToken()}` } }));
      expect(await (await get(SYNTHETIC_RUNS.failed)).json()).toEqual({ run: expect.objectContaining({ runId: SYNTHETIC_RUNS.failed, phase: "failed" }) });
      expect(await (await get("run-not-yet-in-the-ledger")).json()).toEqual({ run: null });
    });

    it("starts a sync for a signed-in staff member, named by their Supabase user", async () => {
      const response = await routes().POST(new Request(ROUTE, { method: "POST", headers: { authorization: `Bearer ${staffToken()}` } }));
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ runId: "run-recorded", via: "pubsub", coalesced: false });
      expect(requested).toEqual([{ requestedBy: STAFF_EMAIL }]);
    });

    it("answers 401 without a token, publishes nothing and never asks Supabase", async () => {
      const { GET, POST } = routes();
      for (const [handler, method] of [[GET, "GET"], [POST, "POST"]] as const) {
        const response = await handler(new Request(ROUTE, { method }));
        expect(response.status).toBe(401);
        expect(await response.json()).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
      }
      expect(requested).toEqual([]);
      expect(standIn.requests).toEqual([]);
    });

    it("refuses a token Supabase Auth did not sign (or the anon key, which names no user) with 401, publishing nothing", async () => {
      for (const token of [staffToken("not-the-project-secret"), ANON_KEY]) {
        const response = await routes().POST(new Request(ROUTE, { method: "POST", headers: { authorization: `Bearer ${token}` } }));
        expect(response.status).toBe(401);
        const text = await response.text();
        expect(JSON.parse(text)).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
        expect(text).not.toContain(token);
      }
      expect(requested).toEqual([]);
      expect(standIn.requests.map((request) => request.path)).toEqual(["/auth/v1/user", "/auth/v1/user"]);
    });
  });
});
