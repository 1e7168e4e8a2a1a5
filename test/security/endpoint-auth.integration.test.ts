import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushPath, SERVICE_SUBSCRIPTIONS } from "@crm-sync/bus";
import { concretePath, listRoutes } from "../support/express-routes.ts";
import { API_ROUTE_ROLES, ROUTE_GUARDS, routesGuardedBy } from "../support/route-guards.ts";
import { forgedIdTokens, signIdToken } from "../support/id-tokens.ts";
import { rawPushBody } from "../support/push-delivery.ts";
import {
  CREDENTIALS,
  pushAudience,
  schedulerAudience,
  SERVICE_NAMES,
  startSecuredStack,
  type SecuredServices,
  type SecuredStack,
  type ServiceName,
} from "../support/secured-services.ts";

describe("every HTTP endpoint refuses callers without valid credentials", () => {
  let stack: SecuredStack;
  let services: SecuredServices;

  beforeAll(async () => {
    stack = await startSecuredStack();
    services = stack.services;
  });
  afterAll(async () => stack?.close());

  async function call(service: ServiceName, method: string, path: string, authorization?: string, body = "{}") {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (authorization !== undefined) headers["authorization"] = authorization;
    const response = await fetch(`${services[service].url}${path}`, { method, headers, ...(method === "POST" ? { body } : {}) });
    const text = await response.text();
    return { status: response.status, text, wwwAuthenticate: response.headers.get("www-authenticate"), type: response.headers.get("content-type") };
  }

  /** Runs every case against one endpoint and returns `{ case: status }`, so a failure shows which cases got through. */
  async function statuses(cases: Array<[string, string | undefined]>, send: (authorization: string | undefined) => Promise<{ status: number }>) {
    const entries = await Promise.all(cases.map(async ([name, authorization]) => [name, (await send(authorization)).status] as const));
    return Object.fromEntries(entries);
  }
  const expectAll = (cases: Array<[string, unknown]>, status: number) => Object.fromEntries(cases.map(([name]) => [name, status]));
  /** For the reliability report: how many of the cases got the status the test wants. */
  const refusedWith = (got: Record<string, number>, status: number, what: string) =>
    `${Object.keys(got).length} ${what} → ${Object.values(got).filter((s) => s === status).length} answered ${status}`;

  it.for(SERVICE_NAMES)("the %s app serves exactly the routes this suite checks", async (service, { annotate }) => {
    await annotate(`${listRoutes(services[service].app).length} routes served, ${Object.keys(ROUTE_GUARDS[service]).length} in the guard list`);
    expect(listRoutes(services[service].app)).toEqual(Object.keys(ROUTE_GUARDS[service]).sort());
  });

  it("mounts a push endpoint for exactly the topics each service subscribes to", () => {
    for (const service of SERVICE_NAMES) {
      const pushRoutes = Object.entries(ROUTE_GUARDS[service]).filter(([, guard]) => guard === "push").map(([route]) => route);
      expect(pushRoutes.sort()).toEqual(SERVICE_SUBSCRIPTIONS[service].map((topic) => `POST ${pushPath(topic)}`).sort());
    }
  });

  describe("API endpoints (trigger): bearer API token or a Google ID token of an allowed service account", () => {
    const wrongCredentials = (): Array<[string, string | undefined]> => [
      ["no Authorization header", undefined],
      ["an empty bearer", "Bearer "],
      ["a wrong API token", "Bearer api-token-that-was-never-issued-0000"],
      ["the API token with one character changed", `Bearer ${CREDENTIALS.apiToken.slice(0, -1)}X`],
      ["a prefix of the API token", `Bearer ${CREDENTIALS.apiToken.slice(0, 12)}`],
      ["the API token as Basic credentials", `Basic ${Buffer.from(`user:${CREDENTIALS.apiToken}`).toString("base64")}`],
      ["the API token under another scheme", `Token ${CREDENTIALS.apiToken}`],
      ["Cloud Scheduler's genuine ID token for the trigger", `Bearer ${signIdToken(services.pushKey, { aud: schedulerAudience("trigger"), email: CREDENTIALS.schedulerServiceAccount })}`],
      ["a genuine push token (Pub/Sub's audience and key)", `Bearer ${signIdToken(services.pushKey, { aud: pushAudience("trigger"), email: CREDENTIALS.pushServiceAccount })}`],
      ...forgedIdTokens(services.apiKey, CREDENTIALS.apiAudience, CREDENTIALS.apiServiceAccount)
        .filter(([name]) => name !== "for another service account")
        .map(([name, token]): [string, string] => [`an ID token ${name}`, `Bearer ${token}`]),
    ];

    it.for(routesGuardedBy("api"))("$label refuses missing, wrong, forged and expired credentials with 401", async ({ service, method, pattern }, { annotate }) => {
      const path = concretePath(pattern);
      const cases = wrongCredentials();
      const got = await statuses(cases, (authorization) => call(service, method, path, authorization));
      await annotate(refusedWith(got, 401, "wrong credentials"));
      expect(got).toEqual(expectAll(cases, 401));
      const refused = await call(service, method, path);
      expect(refused.wwwAuthenticate).toContain("Bearer");
      expect(refused.type).toContain("application/json");
    });

    it.each(routesGuardedBy("api"))("$label refuses an ID token of a service account that is not allowed with 403", async ({ service, method, pattern }) => {
      const token = signIdToken(services.apiKey, { aud: CREDENTIALS.apiAudience, email: "intruder@crm-sync-test.iam.gserviceaccount.com" });
      expect((await call(service, method, concretePath(pattern), `Bearer ${token}`)).status).toBe(403);
    });

    it.each(routesGuardedBy("api"))("$label does not take the API token from the query string", async ({ service, method, pattern }) => {
      const path = `${concretePath(pattern)}?token=${encodeURIComponent(CREDENTIALS.apiToken)}&access_token=${encodeURIComponent(CREDENTIALS.apiToken)}`;
      expect((await call(service, method, path)).status).toBe(401);
    });

    it.each(routesGuardedBy("api"))("$label lets both rotated approver tokens and an approver's ID token through", async ({ service, method, pattern }) => {
      // A run id no run has: the API answers past the auth check without starting anything long-lived.
      const path = concretePath(pattern, "run-no-such-run");
      const idToken = signIdToken(services.apiKey, { aud: CREDENTIALS.apiAudience, email: CREDENTIALS.approverServiceAccount });
      for (const authorization of [`Bearer ${CREDENTIALS.apiToken}`, `Bearer ${CREDENTIALS.rotatedApiToken}`, `bearer ${idToken}`]) {
        const { status } = await call(service, method, path, authorization);
        // Past the auth check: 200/202, or the route's own answer to an empty body or unknown run.
        expect([200, 202, 400, 404]).toContain(status);
      }
    });

    it("names the least role of exactly the API routes", () => {
      expect(Object.keys(API_ROUTE_ROLES).sort()).toEqual(routesGuardedBy("api").map(({ method, pattern }) => `${method} ${pattern}`).sort());
    });

    const ROLE_ORDER = ["viewer", "operator", "approver"] as const;
    type Role = (typeof ROLE_ORDER)[number];
    /** Every kind of caller at every role: static tokens and Google ID tokens of service accounts. */
    const roleCallers = (): Array<[string, Role, string]> => {
      const idToken = (email: string) => `Bearer ${signIdToken(services.apiKey, { aud: CREDENTIALS.apiAudience, email })}`;
      return [
        ["viewer token", "viewer", `Bearer ${CREDENTIALS.viewerToken}`],
        ["operator token", "operator", `Bearer ${CREDENTIALS.operatorToken}`],
        ["approver token", "approver", `Bearer ${CREDENTIALS.apiToken}`],
        ["viewer service account", "viewer", idToken(CREDENTIALS.viewerServiceAccount)],
        ["operator service account", "operator", idToken(CREDENTIALS.apiServiceAccount)],
        ["approver service account", "approver", idToken(CREDENTIALS.approverServiceAccount)],
      ];
    };
    const roleRoutes = routesGuardedBy("api").map((route) => {
      const needed = API_ROUTE_ROLES[`${route.method} ${route.pattern}`] ?? "approver";
      return { ...route, needed, label: `${route.label} (needs ${needed})` };
    });

    it.for(roleRoutes)("$label lets every caller at or above its role through and refuses the rest with 403 ROLE_REQUIRED", async ({ service, method, pattern, needed }, { annotate }) => {
      // A run id no run has: the API answers past the role check without starting anything long-lived.
      const path = concretePath(pattern, "run-no-such-run");
      const callers = roleCallers();
      const got = Object.fromEntries(
        await Promise.all(
          callers.map(async ([name, , authorization]) => {
            const { status, text } = await call(service, method, path, authorization);
            const code = status === 403 ? (JSON.parse(text) as { error: { code: string } }).error.code : undefined;
            // Past the role check: 200/202, or the route's own answer to an empty body or an unknown run.
            return [name, [200, 202, 400, 404].includes(status) ? "allowed" : `${status} ${code ?? ""}`.trim()] as const;
          }),
        ),
      );
      const expected = Object.fromEntries(
        callers.map(([name, role]) => [name, ROLE_ORDER.indexOf(role) >= ROLE_ORDER.indexOf(needed) ? "allowed" : "403 ROLE_REQUIRED"]),
      );
      await annotate(`${callers.length} callers: ${Object.values(got).filter((v) => v === "allowed").length} allowed, ${Object.values(got).filter((v) => v === "403 ROLE_REQUIRED").length} refused with 403`);
      expect(got).toEqual(expected);
    });

    it("keeps the live-status stream (SSE) closed to a wrong token: no event stream is opened", async () => {
      const started = await call("trigger", "POST", "/v1/syncs", `Bearer ${CREDENTIALS.apiToken}`);
      const runId = (JSON.parse(started.text) as { run: { runId: string } }).run.runId;
      const refused = await call("trigger", "GET", `/v1/syncs/${runId}/events`, "Bearer not-the-token");
      expect(refused.status).toBe(401);
      expect(refused.type).not.toContain("text/event-stream");
      expect(refused.text).not.toContain(runId);
    });
  });

  describe("the dashboard (trigger): public static page, data only through the API with the #token= it stores", () => {
    it("serves the page to anyone (it holds no data), even with a wrong ?token=", async () => {
      const started = await call("trigger", "POST", "/v1/syncs", `Bearer ${CREDENTIALS.apiToken}`);
      const runId = (JSON.parse(started.text) as { run: { runId: string } }).run.runId;
      for (const path of ["/", "/?token=wrong-dashboard-token", `/runs/${runId}`, "/customers", "/history", "/dashboard/main.js", "/dashboard/dashboard.css", "/dashboard/strings/th.json"]) {
        const page = await call("trigger", "GET", path);
        expect(page.status).toBe(200);
        expect(page.text).not.toContain(runId);
        expect(page.text).not.toContain(CREDENTIALS.apiToken);
      }
    });

    it("refuses the wrong token the page would send to the API, and accepts the right one", async () => {
      // The page (dashboard/api.js) moves #token= into sessionStorage and sends it as a bearer header.
      expect((await call("trigger", "GET", "/v1/syncs", "Bearer wrong-dashboard-token")).status).toBe(401);
      expect((await call("trigger", "GET", "/v1/freshness", "Bearer wrong-dashboard-token")).status).toBe(401);
      expect((await call("trigger", "GET", "/v1/syncs", `Bearer ${CREDENTIALS.apiToken}`)).status).toBe(200);
    });
  });

  describe("push endpoints: only a Google-signed OIDC token for the service's audience and push service account", () => {
    const body = rawPushBody("junk", "{}", {}, { messageId: "1", service: "security-test" });

    it.each(routesGuardedBy("push"))("$label refuses a request without a bearer token with 401", async ({ service, method, pattern }) => {
      for (const authorization of [undefined, "Bearer ", `Basic ${Buffer.from("pubsub:password").toString("base64")}`]) {
        expect((await call(service, method, pattern, authorization, body)).status).toBe(401);
      }
    });

    it.for(routesGuardedBy("push"))("$label refuses forged, expired and misdirected tokens with 403", async ({ service, method, pattern }, { annotate }) => {
      const otherService = service === "loader" ? "trigger" : "loader";
      const cases: Array<[string, string | undefined]> = [
        ...forgedIdTokens(services.pushKey, pushAudience(service), CREDENTIALS.pushServiceAccount).map(([name, token]): [string, string] => [`a token ${name}`, `Bearer ${token}`]),
        ["a genuine token for another service's audience", `Bearer ${signIdToken(services.pushKey, { aud: pushAudience(otherService), email: CREDENTIALS.pushServiceAccount })}`],
        ["an API caller's genuine ID token", `Bearer ${signIdToken(services.apiKey, { aud: pushAudience(service), email: CREDENTIALS.apiServiceAccount })}`],
        ["the trigger's API token", `Bearer ${CREDENTIALS.apiToken}`],
      ];
      const got = await statuses(cases, (authorization) => call(service, method, pattern, authorization, body));
      await annotate(refusedWith(got, 403, "forged or misdirected tokens"));
      expect(got).toEqual(expectAll(cases, 403));
    });

    it.each(routesGuardedBy("push"))("$label accepts a genuine token (and acks a body that is not a message)", async ({ service, method, pattern }) => {
      const token = signIdToken(services.pushKey, { aud: pushAudience(service), email: CREDENTIALS.pushServiceAccount });
      expect((await call(service, method, pattern, `Bearer ${token}`, body)).status).toBe(204);
    });

    it("never ran a handler for a refused request: the portal was never asked for an export", () => {
      expect(stack.portal.calls).toBe(0);
    });
  });

  describe("Cloud Scheduler endpoints (sweep, staleness check): only the scheduler's Google ID token for the service's audience", () => {
    const schedulerToken = (service: ServiceName) => signIdToken(services.pushKey, { aud: schedulerAudience(service), email: CREDENTIALS.schedulerServiceAccount });

    it.for(routesGuardedBy("scheduler"))("$label refuses a request without a bearer token with 401", async ({ service, method, pattern }, { annotate }) => {
      const cases: Array<[string, string | undefined]> = [
        ["no Authorization header", undefined],
        ["an empty bearer", "Bearer "],
        ["the scheduler's token as Basic credentials", `Basic ${Buffer.from(`x:${schedulerToken(service)}`).toString("base64")}`],
      ];
      const got = await statuses(cases, (authorization) => call(service, method, pattern, authorization));
      await annotate(refusedWith(got, 401, "unauthenticated requests"));
      expect(got).toEqual(expectAll(cases, 401));
      expect((await call(service, method, pattern)).wwwAuthenticate).toContain("Bearer");
      expect((await call(service, method, `${pattern}?access_token=${encodeURIComponent(schedulerToken(service))}`)).status).toBe(401);
    });

    it.for(routesGuardedBy("scheduler"))("$label refuses another account, another audience and forged tokens with 403", async ({ service, method, pattern }, { annotate }) => {
      const otherService = service === "notifier" ? "trigger" : "notifier";
      const cases: Array<[string, string | undefined]> = [
        ...forgedIdTokens(services.pushKey, schedulerAudience(service), CREDENTIALS.schedulerServiceAccount).map(([name, token]): [string, string] => [`a token ${name}`, `Bearer ${token}`]),
        ["the scheduler's genuine token for another service's audience", `Bearer ${schedulerToken(otherService)}`],
        ["a genuine push token (Pub/Sub's account)", `Bearer ${signIdToken(services.pushKey, { aud: pushAudience(service), email: CREDENTIALS.pushServiceAccount })}`],
        ["the push account's token for this audience", `Bearer ${signIdToken(services.pushKey, { aud: schedulerAudience(service), email: CREDENTIALS.pushServiceAccount })}`],
        ["an API caller's genuine ID token", `Bearer ${signIdToken(services.apiKey, { aud: schedulerAudience(service), email: CREDENTIALS.apiServiceAccount })}`],
        ["the trigger's approver API token", `Bearer ${CREDENTIALS.apiToken}`],
      ];
      const got = await statuses(cases, (authorization) => call(service, method, pattern, authorization));
      await annotate(refusedWith(got, 403, "wrong accounts, audiences or forged tokens"));
      expect(got).toEqual(expectAll(cases, 403));
    });

    it.each(routesGuardedBy("scheduler"))("$label runs its job for the scheduler's account (200)", async ({ service, method, pattern }) => {
      const response = await call(service, method, pattern, `Bearer ${schedulerToken(service)}`);
      expect(response.status).toBe(200);
      expect(response.type).toContain("application/json");
    });
  });

  it.each(routesGuardedBy("public"))("$label is public and says no more than ok", async ({ service, method, pattern }) => {
    const response = await call(service, method, pattern);
    expect(response.status).toBe(200);
    expect(Object.keys(JSON.parse(response.text) as object).sort()).toEqual(["failed", "ok", "service"]);
  });

  it("never logs a credential it refused or accepted", async ({ annotate }) => {
    const output = stack.logs.lines.join("\n");
    const secrets = [
      CREDENTIALS.apiToken,
      CREDENTIALS.rotatedApiToken,
      CREDENTIALS.operatorToken,
      CREDENTIALS.viewerToken,
      "api-token-that-was-never-issued",
      "eyJ",
    ];
    await annotate(`${stack.logs.lines.length} log lines scanned for ${secrets.length} credential patterns: ${secrets.filter((secret) => output.includes(secret)).length} found`);
    expect(stack.logs.lines.some((line) => line.includes("refused"))).toBe(true);
    // Role refusals are logged with the caller's name, which is not a secret.
    expect(stack.logs.lines.some((line) => line.includes("refused a caller without the role") && line.includes("security-viewer"))).toBe(true);
    for (const secret of secrets) {
      expect(output).not.toContain(secret);
    }
  });
});
