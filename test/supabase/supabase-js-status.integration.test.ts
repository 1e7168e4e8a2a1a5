import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate, openDatabase, type Database } from "@crm-sync/db";
import {
  createStatusClient,
  readFreshness,
  readLatestRuns,
  RUN_STATUS_COLUMNS,
  StatusReadError,
} from "../../examples/vercel/lib/status.ts";
import { GET } from "../../examples/vercel/app/api/crm/status/route.ts";
import { signJwt } from "./support/jwt.ts";
import { startPostgrestStandIn, type PostgrestStandIn } from "./support/postgrest-stand-in.ts";
import { seedSyntheticData, SYNTHETIC_COUNTS, SYNTHETIC_RUNS } from "./support/synthetic-data.ts";

const JWT_SECRET = "test-only-jwt-secret-for-the-postgrest-stand-in";
const ANON_KEY = signJwt({ iss: "supabase", ref: "test", role: "anon" }, JWT_SECRET);
const SERVICE_ROLE_KEY = signJwt({ iss: "supabase", ref: "test", role: "service_role" }, JWT_SECRET);
const staffToken = (secret = JWT_SECRET) =>
  signJwt({ sub: "00000000-0000-4000-8000-000000000001", role: "authenticated", exp: Math.floor(Date.now() / 1000) + 3600 }, secret);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("supabase-js against a local PostgREST-shaped handler (PostgREST cannot run here)", () => {
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

  it("reads the newest runs from crm_sync.runs with GET /rest/v1/runs as the signed-in staff user", async () => {
    const token = staffToken();
    const runs = await readLatestRuns(staffClient(token), 2);

    expect(standIn.requests).toEqual([
      {
        method: "GET",
        path: "/rest/v1/runs",
        query: { select: RUN_STATUS_COLUMNS.join(","), order: "requested_at.desc,id.desc", limit: "2" },
        headers: { apikey: ANON_KEY, authorization: `Bearer ${token}`, acceptProfile: "crm_sync" },
        body: undefined,
      },
    ]);
    expect(runs).toEqual([
      expect.objectContaining({ runId: SYNTHETIC_RUNS.queued, status: "queued", stage: "queued", finishedAt: null, counts: null, error: null }),
      {
        runId: SYNTHETIC_RUNS.failed,
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
    expect(all[2]).toMatchObject({ status: "succeeded", finishedAt: seeded.succeededAt, counts: SYNTHETIC_COUNTS, durationMs: 61000 });
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

  describe("the /api/crm/status route", () => {
    const ROUTE = "https://dashboard.example.test/api/crm/status";
    const saved = { url: process.env["NEXT_PUBLIC_SUPABASE_URL"], key: process.env["NEXT_PUBLIC_SUPABASE_ANON_KEY"] };
    beforeAll(() => {
      process.env["NEXT_PUBLIC_SUPABASE_URL"] = standIn.url;
      process.env["NEXT_PUBLIC_SUPABASE_ANON_KEY"] = ANON_KEY;
    });
    afterAll(() => {
      for (const [name, value] of [["NEXT_PUBLIC_SUPABASE_URL", saved.url], ["NEXT_PUBLIC_SUPABASE_ANON_KEY", saved.key]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    it("answers runs and freshness for the staff user's bearer token", async () => {
      const response = await GET(new Request(`${ROUTE}?limit=1`, { headers: { authorization: `Bearer ${staffToken()}` } }));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        runs: [expect.objectContaining({ runId: SYNTHETIC_RUNS.queued })],
        freshness: expect.objectContaining({ lastSuccessAt: seeded.succeededAt, customerCount: 2, stale: false }),
      });
    });

    it("answers 401 without a token and never asks Supabase", async () => {
      const response = await GET(new Request(ROUTE));
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
      expect(standIn.requests).toEqual([]);
    });

    it("passes Supabase's refusal on as 401 with a plain message", async () => {
      const forged = staffToken("not-the-project-secret");
      const response = await GET(new Request(ROUTE, { headers: { authorization: `Bearer ${forged}` } }));
      expect(response.status).toBe(401);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
      expect(text).not.toContain(forged);
    });
  });
});
