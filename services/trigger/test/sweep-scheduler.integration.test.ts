import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOidcVerifier } from "@crm-sync/bus";
import { createTestDatabase, gate, postgresMissing, type TestDatabase } from "@crm-sync/testing";
import { StartResponse } from "@crm-sync/trigger-client";
import { createTestIssuer } from "./support/id-tokens.ts";
import { startTrigger, type RunningTrigger } from "./support/start-trigger.ts";

const AUDIENCE = "https://crm-sync-trigger-123456789012.asia-southeast1.run.app";
const SCHEDULER_SA = "crm-sync-scheduler@crm-sync-test.iam.gserviceaccount.com";
const QUEUED_DEADLINE_MS = 10 * 60_000;

/**
 * Cloud Run: the in-process sweeper is off (startTrigger never starts it), so a stuck run is
 * failed only when Cloud Scheduler calls POST /v1/sweep-stage-timeouts with its OIDC token.
 */
describe.skipIf(gate("Postgres", await postgresMissing()))("the stage-timeout sweep called by Cloud Scheduler, timer off, on real Postgres", () => {
  const issuer = createTestIssuer();
  let database: TestDatabase;
  let t: RunningTrigger;
  let now = new Date("2026-11-26T19:00:00.000Z");

  const sweep = (authorization?: string) =>
    fetch(`${t.url}/v1/sweep-stage-timeouts`, { method: "POST", headers: authorization === undefined ? {} : { authorization } });
  const runStatus = async (runId: string) =>
    (await t.db.sql<{ status: string; error_code: string | null }[]>`select status, error_code from crm_sync.runs where id = ${runId}`)[0];

  beforeAll(async () => {
    database = await createTestDatabase("crm_sync_trigger_sweep");
    t = await startTrigger({
      databaseUrl: database.url,
      clock: () => now,
      scheduler: { verifier: createOidcVerifier({ enabled: true, audience: AUDIENCE, serviceAccountEmail: SCHEDULER_SA, certs: issuer.certs }) },
    });
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it("fails a run stuck past its deadline once, however many sweeps overlap, and refuses other callers", async () => {
    // Nobody consumes scrape-requested here: the run stays queued, as when the scraper never answers.
    const started = StartResponse.parse(await (await t.api("/v1/syncs", { method: "POST", body: JSON.stringify({ requestedBy: "sweep-test" }) })).json());
    const runId = started.run.runId;
    await t.drain();
    now = new Date(now.getTime() + QUEUED_DEADLINE_MS + 1);

    const refused = {
      none: (await sweep()).status,
      apiToken: (await t.api("/v1/sweep-stage-timeouts", { method: "POST" })).status,
      otherAccount: (await sweep(`Bearer ${issuer.sign({ aud: AUDIENCE, email: "intruder@crm-sync-test.iam.gserviceaccount.com" })}`)).status,
      otherAudience: (await sweep(`Bearer ${issuer.sign({ aud: "https://crm-sync-notifier.example.test", email: SCHEDULER_SA })}`)).status,
    };
    expect(refused).toEqual({ none: 401, apiToken: 403, otherAccount: 403, otherAudience: 403 });
    expect(await runStatus(runId)).toEqual({ status: "queued", error_code: null });

    // Open the pool first, so the sweeps really race instead of queueing on one fresh connection.
    await Promise.all(Array.from({ length: 4 }, () => t.db.sql`select pg_sleep(0.05)`));
    const token = issuer.sign({ aud: AUDIENCE, email: SCHEDULER_SA });
    const responses = await Promise.all(Array.from({ length: 4 }, () => sweep(`Bearer ${token}`)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const failed = ((await Promise.all(responses.map((r) => r.json()))) as Array<{ failed: number }>).map((b) => b.failed);
    expect(failed.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await runStatus(runId)).toEqual({ status: "failed", error_code: "INTERNAL" });

    const again = await sweep(`Bearer ${token}`);
    expect(await again.json()).toEqual({ failed: 0 });
  });
});
