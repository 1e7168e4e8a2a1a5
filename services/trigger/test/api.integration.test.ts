import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvent } from "@crm-sync/contracts";
import { StartResponse, RunView, RunList, FreshnessView } from "@crm-sync/trigger-client";
import { API_TOKEN, OPERATOR_TOKEN, ROTATED_TOKEN, TEST_TOKENS, startTrigger, type RunningTrigger } from "./support/start-trigger.ts";
import { createTestIssuer } from "./support/id-tokens.ts";

const AUDIENCE = "https://crm-sync-trigger.example.test";
const VERCEL_SA = "vercel-dashboard@crm-sync-test.iam.gserviceaccount.com";
const issuer = createTestIssuer();

const ENDPOINTS: Array<[string, string]> = [
  ["POST", "/v1/syncs"],
  ["GET", "/v1/syncs"],
  ["GET", "/v1/syncs/run-any"],
  ["GET", "/v1/syncs/run-any/events"],
  ["POST", "/v1/syncs/run-any/approve"],
  ["GET", "/v1/freshness"],
];

describe("trigger API", () => {
  let t: RunningTrigger;
  const published: string[] = [];

  beforeAll(async () => {
    t = await startTrigger({ auth: { apiTokens: TEST_TOKENS, oidc: { audience: AUDIENCE, serviceAccounts: [{ email: VERCEL_SA, role: "operator" }], getCerts: async () => issuer.certs } } });
    await t.bus.subscribe("scrape-requested", "test-scraper.scrape-requested", async ({ event }) => {
      published.push(event.runId);
      return "ack";
    });
  });
  afterAll(async () => t.close());

  const call = (method: string, path: string, authorization?: string, body = "{}") =>
    fetch(`${t.url}${path}`, {
      method,
      headers: { "content-type": "application/json", ...(authorization === undefined ? {} : { authorization }) },
      ...(method === "POST" ? { body } : {}),
    });

  describe.each(ENDPOINTS)("%s %s refuses", (method, path) => {
    it("a request without a token", async () => {
      const response = await call(method, path);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain("Bearer");
    });
    it("a wrong token", async () => {
      expect((await call(method, path, "Bearer not-the-token")).status).toBe(401);
      expect((await call(method, path, `Basic ${Buffer.from(`x:${API_TOKEN}`).toString("base64")}`)).status).toBe(401);
    });
    it("an ID token for another audience", async () => {
      const token = issuer.sign({ aud: "https://another-service.example.test", email: VERCEL_SA });
      expect((await call(method, path, `Bearer ${token}`)).status).toBe(401);
    });
    it("an expired ID token", async () => {
      const token = issuer.sign({ aud: AUDIENCE, email: VERCEL_SA, expiresInSeconds: -600 });
      expect((await call(method, path, `Bearer ${token}`)).status).toBe(401);
    });
    it("an ID token from a service account that is not allowed", async () => {
      const token = issuer.sign({ aud: AUDIENCE, email: "intruder@crm-sync-test.iam.gserviceaccount.com" });
      expect((await call(method, path, `Bearer ${token}`)).status).toBe(403);
    });
    it("an ID token signed by another key", async () => {
      const token = createTestIssuer().sign({ aud: AUDIENCE, email: VERCEL_SA });
      expect((await call(method, path, `Bearer ${token}`)).status).toBe(401);
    });
  });

  it("leaves /healthz and the dashboard page public, and nothing else", async () => {
    expect((await call("GET", "/healthz")).status).toBe(200);
    const page = await call("GET", "/");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="/dashboard/main.js"></script>');
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
  });

  it("accepts both rotated API tokens and an allowed service account's ID token", async () => {
    expect((await call("GET", "/v1/freshness", `Bearer ${API_TOKEN}`)).status).toBe(200);
    expect((await call("GET", "/v1/freshness", `Bearer ${ROTATED_TOKEN}`)).status).toBe(200);
    const idToken = issuer.sign({ aud: AUDIENCE, email: VERCEL_SA });
    expect((await call("GET", "/v1/freshness", `Bearer ${idToken}`)).status).toBe(200);
  });

  it("starts a run, hands it to the scraper (scrape-requested), and joins presses to it while it is active", async () => {
    const first = StartResponse.parse(await (await t.api("/v1/syncs", { method: "POST", body: "{}" })).json());
    expect(first).toMatchObject({ coalesced: false, run: { status: "queued", phase: "queued", trigger: "manual", requestedBy: "test-approver" } });
    await t.drain();
    expect(published).toContain(first.run.runId);

    const second = await t.api("/v1/syncs", { method: "POST", body: "{}" });
    expect(second.status).toBe(202);
    const joined = StartResponse.parse(await second.json());
    expect(joined).toMatchObject({ coalesced: true, run: { runId: first.run.runId } });
    // The joining press has a record of its own, naming the run that serves it.
    expect(joined.requestId).not.toBe(first.run.runId);
    expect(RunView.parse(await (await t.api(`/v1/syncs/${joined.requestId}`)).json())).toMatchObject({ servedBy: first.run.runId, status: "queued" });
    await t.drain();
    expect(published.filter((runId) => runId === first.run.runId || runId === joined.requestId)).toEqual([first.run.runId]);

    const got = RunView.parse(await (await t.api(`/v1/syncs/${first.run.runId}`)).json());
    expect(got).toMatchObject({ runId: first.run.runId, status: "queued" });
    const list = RunList.parse(await (await t.api("/v1/syncs?limit=5")).json());
    expect(list.runs.map((run) => run.runId)).toContain(first.run.runId);

    // Finish it; the next press starts a new run.
    const counts = { rows: 3, inserted: 3, updated: 0, unchanged: 0, softDeleted: 0, revived: 0, rejected: 0 };
    await t.bus.publish(makeEvent("sync-completed", first.run.runId, { counts, durationMs: 10 }));
    await t.drain();
    const third = StartResponse.parse(await (await t.api("/v1/syncs", { method: "POST", body: "{}" })).json());
    expect(third.coalesced).toBe(false);
    expect(third.run.runId).not.toBe(first.run.runId);
    await t.bus.publish(makeEvent("sync-completed", third.run.runId, { counts, durationMs: 10 }));
    await t.drain();
  });

  it("records the verified caller as requestedBy: a body's requestedBy cannot override it", async () => {
    const finish = async (runId: string) => {
      const counts = { rows: 1, inserted: 0, updated: 0, unchanged: 1, softDeleted: 0, revived: 0, rejected: 0 };
      await t.bus.publish(makeEvent("sync-completed", runId, { counts, durationMs: 5 }));
      await t.drain();
    };
    const forged = JSON.stringify({ trigger: "api", requestedBy: "someone-else@example.test" });
    const byToken = StartResponse.parse(await (await call("POST", "/v1/syncs", `Bearer ${OPERATOR_TOKEN}`, forged)).json());
    expect(byToken).toMatchObject({ coalesced: false, run: { trigger: "api", requestedBy: "test-operator" } });
    await finish(byToken.run.runId);
    const idToken = issuer.sign({ aud: AUDIENCE, email: VERCEL_SA });
    const bySa = StartResponse.parse(await (await call("POST", "/v1/syncs", `Bearer ${idToken}`, forged)).json());
    expect(bySa).toMatchObject({ coalesced: false, run: { requestedBy: VERCEL_SA } });
    await finish(bySa.run.runId);
    // The ledger keeps what the request said: read back, the run still names the caller.
    expect(RunView.parse(await (await t.api(`/v1/syncs/${bySa.run.runId}`)).json()).requestedBy).toBe(VERCEL_SA);
  });

  it("refuses bad bodies, oversized bodies, bad run ids and unknown runs", async () => {
    expect((await t.api("/v1/syncs", { method: "POST", body: JSON.stringify({ dropTable: true }) })).status).toBe(400);
    expect((await t.api("/v1/syncs", { method: "POST", body: "{not json" })).status).toBe(400);
    expect((await t.api("/v1/syncs", { method: "POST", body: JSON.stringify({ requestedBy: "x".repeat(10_000) }) })).status).toBe(413);
    expect((await t.api("/v1/syncs/..%2F..%2Fetc")).status).toBe(400);
    expect((await t.api("/v1/syncs/run-that-never-was")).status).toBe(404);
    expect((await t.api("/v1/syncs?limit=0")).status).toBe(400);
  });

  it("reports freshness from the last success and the active customers", async () => {
    await t.db.sql`
      insert into crm_sync.customers (store, customer_name, contact_number, customer_key, row_hash, first_seen_run, deleted_at)
      values ('Club', 'Test Person A', '0800000001', 'k1', 'h1', 'run-x', null),
             ('Club', 'Test Person B', '0800000002', 'k2', 'h2', 'run-x', null),
             ('Club', 'Test Person C', '0800000003', 'k3', 'h3', 'run-x', now())`;
    const freshness = FreshnessView.parse(await (await t.api("/v1/freshness")).json());
    expect(freshness).toMatchObject({ customerCount: 2, stale: false, staleAfterSeconds: 26 * 3600 });
    expect(freshness.ageSeconds).toBeLessThan(60);
  });

  it("approves a held mass delete: the run reopens and its export is announced again with allowMassDelete", async () => {
    const runId = "run-held-approval";
    const object = { bucket: "crm-exports", name: `exports/customers/${runId}.csv`, generation: "7", sha256: "c".repeat(64), bytes: 999 };
    const announced: Array<{ allow: boolean | undefined; name: string }> = [];
    await t.bus.subscribe("csv-ready", "test-loader.csv-ready", async ({ event }) => {
      announced.push({ allow: event.data.allowMassDelete, name: event.data.object.name });
      return "ack";
    });
    await t.bus.publish(makeEvent("sync-requested", runId, { trigger: "schedule" }));
    await t.bus.publish(makeEvent("csv-ready", runId, { object, rows: 40 }));
    await t.drain();
    expect((await t.api(`/v1/syncs/${runId}/approve`, { method: "POST", body: "{}" })).status).toBe(409);
    await t.bus.publish(
      makeEvent("sync-failed", runId, {
        stage: "diffing",
        code: "MASS_DELETE_HELD",
        retryable: false,
        message: "The export would remove 40% of customers; held for approval.",
        destinationUntouched: true,
        artifacts: [],
        attempt: 1,
      }),
    );
    await t.drain();
    announced.length = 0;

    const response = await t.api(`/v1/syncs/${runId}/approve`, { method: "POST", body: "{}" });
    expect(response.status).toBe(202);
    expect(RunView.parse(await response.json())).toMatchObject({ status: "running", attempt: 2, error: null });
    await t.drain();
    expect(announced).toEqual([{ allow: true, name: object.name }]);
    expect((await t.api(`/v1/syncs/${runId}/approve`, { method: "POST", body: "{}" })).status).toBe(409);
    expect((await t.api(`/v1/syncs/run-unknown-held/approve`, { method: "POST", body: "{}" })).status).toBe(404);
  });
});
