import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@crm-sync/db";
import { startStack, type RunningStack } from "@crm-sync/stack";
import { gate, postgresMissing, pubsubEmulatorMissing, waitFor } from "@crm-sync/testing";
import { signJwt } from "../supabase/support/jwt.ts";
import { startPostgrestStandIn, type PostgrestStandIn } from "../supabase/support/postgrest-stand-in.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const CUSTOMERS = 40;
const JWT_SECRET = "test-only-jwt-secret-for-the-route-on-the-stack";
const ANON_KEY = signJwt({ iss: "supabase", ref: "test", role: "anon" }, JWT_SECRET);
const STAFF_EMAIL = "front.desk@club.invalid";
const staffToken = () =>
  signJwt({ sub: "00000000-0000-4000-8000-000000000002", email: STAFF_EMAIL, role: "authenticated", exp: Math.floor(Date.now() / 1000) + 3600 }, JWT_SECRET);
const ROUTE = "https://app.example.test/api/crm/update-customers";
const ENV_KEYS = ["CRM_SYNC_TRANSPORT", "GCP_PROJECT_ID", "PUBSUB_EMULATOR_HOST", "NEXT_PUBLIC_SUPABASE_URL", "NEXT_PUBLIC_SUPABASE_ANON_KEY"] as const;

type Handler = (request: Request) => Promise<Response>;

const skip = gate("Pub/Sub emulator", pubsubEmulatorMissing()) || gate("PostgreSQL", await postgresMissing());

// The example app's own route file (examples/vercel/app/api/crm/update-customers/route.ts), through
// the built package, publishes to the stack's Pub/Sub emulator; the four services run the sync;
// the route reads the run back from the stack's Postgres through the PostgREST stand-in as the
// staff member, as it would from Supabase.
describe.skipIf(skip)("the Vercel route on the emulator stack", () => {
  let stack: RunningStack;
  let db: Database;
  let standIn: PostgrestStandIn;
  let POST: Handler;
  let GET: Handler;
  const saved = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));

  beforeAll(async () => {
    // The route imports the package by name, which resolves to its built dist/.
    const build = await new Promise<number | null>((resolve, reject) => {
      const child = spawn("npm", ["run", "build", "-w", "@crm-sync/vercel"], { cwd: root, stdio: "ignore" });
      child.once("error", reject);
      child.once("close", resolve);
    });
    expect(build).toBe(0);
    stack = await startStack({ customers: CUSTOMERS });
    db = await openDatabase(stack.info.databaseUrl, { max: 2 });
    standIn = await startPostgrestStandIn({ db, anonKey: ANON_KEY, jwtSecret: JWT_SECRET });
    delete process.env["CRM_SYNC_TRANSPORT"];
    process.env["GCP_PROJECT_ID"] = stack.info.projectId;
    process.env["PUBSUB_EMULATOR_HOST"] = stack.info.emulatorHost;
    process.env["NEXT_PUBLIC_SUPABASE_URL"] = standIn.url;
    process.env["NEXT_PUBLIC_SUPABASE_ANON_KEY"] = ANON_KEY;
    // By URL: the app is type-checked as a Next.js app with its own tsconfig (packed-into-next-app test), not in this project.
    const route = new URL("../../examples/vercel/app/api/crm/update-customers/route.ts", import.meta.url).href;
    ({ POST, GET } = (await import(route)) as { POST: Handler; GET: Handler });
  });

  afterAll(async () => {
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    await standIn?.close();
    await db?.close();
    await stack?.stop();
  });

  it("publishes sync-requested for a signed-in staff member, and the run completes on the stack with live status through the route", async () => {
    const authorization = `Bearer ${staffToken()}`;
    const started = await POST(new Request(ROUTE, { method: "POST", headers: { authorization } }));
    expect(started.status).toBe(202);
    const { runId, via } = (await started.json()) as { runId: string; via: string };
    expect(via).toBe("pubsub");

    const phases = new Set<string>();
    const finished = await waitFor(
      async () => {
        const body = (await (await GET(new Request(`${ROUTE}?runId=${runId}`, { headers: { authorization } }))).json()) as { run: { phase: string } | null };
        if (body.run !== null) phases.add(body.run.phase);
        return body.run?.phase === "done" || body.run?.phase === "failed" ? body.run : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 250, what: `run ${runId} finished, read through the route` },
    );
    expect(finished).toMatchObject({
      runId,
      status: "succeeded",
      phase: "done",
      trigger: "manual",
      requestedBy: STAFF_EMAIL,
      counts: { rows: CUSTOMERS, inserted: CUSTOMERS, rejected: 0 },
      error: null,
    });
    const [active] = await db.sql<{ n: number }[]>`select count(*)::int as n from crm_sync.customers where deleted_at is null`;
    expect(active?.n).toBe(CUSTOMERS);

    const list = (await (await GET(new Request(ROUTE, { headers: { authorization } }))).json()) as { runs: { runId: string }[]; freshness: { customerCount: number; stale: boolean } };
    expect(list.runs[0]?.runId).toBe(runId);
    expect(list.freshness).toMatchObject({ customerCount: CUSTOMERS, stale: false });
  });

  // That nothing is published then is observed with a recording requester in
  // test/supabase/supabase-js-status.integration.test.ts; here the real route answers.
  it("answers 401 to the real route without a session, or with a token Supabase Auth did not sign", async () => {
    expect((await POST(new Request(ROUTE, { method: "POST" }))).status).toBe(401);
    const forged = signJwt({ sub: "00000000-0000-4000-8000-000000000003", role: "authenticated" }, "not-the-project-secret");
    expect((await POST(new Request(ROUTE, { method: "POST", headers: { authorization: `Bearer ${forged}` } }))).status).toBe(401);
    expect((await GET(new Request(ROUTE, { headers: { authorization: `Bearer ${forged}` } }))).status).toBe(401);
  });
});
