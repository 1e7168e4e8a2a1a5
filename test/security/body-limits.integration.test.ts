import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { concretePath, listRoutes } from "../support/express-routes.ts";
import { signIdToken } from "../support/id-tokens.ts";
import { ROUTE_GUARDS, type Guard } from "../support/route-guards.ts";
import { CREDENTIALS, pushAudience, schedulerAudience, SERVICE_NAMES, startSecuredStack, type SecuredStack, type ServiceName } from "../support/secured-services.ts";

const TWO_MB = 2 * 1024 * 1024;

/** A JSON-looking body of `bytes` bytes: big enough to matter, valid enough to be parsed if nothing stops it. */
function bigJson(bytes: number): string {
  const prefix = '{"padding":"';
  return `${prefix}${"x".repeat(bytes - prefix.length - 2)}"}`;
}

/** For the reliability report: how many routes gave the status the test wants. */
const answered = (statuses: Record<string, number>, status: number) =>
  `${Object.keys(statuses).length} POST routes → ${Object.values(statuses).filter((s) => s === status).length} answered ${status}`;

/** Every POST route the apps serve, found on the apps themselves (so a new one is covered). */
const postRoutes = (stack: SecuredStack) =>
  SERVICE_NAMES.flatMap((service) =>
    listRoutes(stack.services[service].app)
      .filter((route) => route.startsWith("POST "))
      .map((route) => ({ service, path: concretePath(route.slice("POST ".length)), guard: ROUTE_GUARDS[service][route] })),
  );

describe("request bodies have size limits", () => {
  let stack: SecuredStack;

  beforeAll(async () => {
    stack = await startSecuredStack();
  });
  afterAll(async () => stack?.close());

  function validAuthorization(service: ServiceName, guard: Guard | undefined): string {
    switch (guard) {
      case "api":
        return `Bearer ${CREDENTIALS.apiToken}`;
      case "scheduler":
        return `Bearer ${signIdToken(stack.services.pushKey, { aud: schedulerAudience(service), email: CREDENTIALS.schedulerServiceAccount })}`;
      case "push":
        return `Bearer ${signIdToken(stack.services.pushKey, { aud: pushAudience(service), email: CREDENTIALS.pushServiceAccount })}`;
      default:
        throw new Error(`no credentials known for a POST route guarded by ${String(guard)}`);
    }
  }

  async function post(service: ServiceName, path: string, body: string | ReadableStream<Uint8Array>, authorization?: string) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (authorization !== undefined) headers["authorization"] = authorization;
    const init: RequestInit & { duplex?: "half" } = { method: "POST", headers, body };
    if (typeof body !== "string") init.duplex = "half";
    const response = await fetch(`${stack.services[service].url}${path}`, init);
    await response.body?.cancel();
    return response.status;
  }

  it("covers every POST route: each is an API, push or Scheduler endpoint", async ({ annotate }) => {
    const routes = postRoutes(stack);
    const listed = SERVICE_NAMES.flatMap((service) => Object.keys(ROUTE_GUARDS[service]).filter((route) => route.startsWith("POST ")));
    await annotate(`${routes.length} POST routes served, ${listed.length} in the guard list`);
    expect(routes).toHaveLength(listed.length);
    expect(routes.filter((route) => route.guard === undefined || route.guard === "public" || route.guard === "dashboard-static")).toEqual([]);
  });

  it("answers a 2 MB body from an authenticated caller with 413 on every POST route", async ({ annotate }) => {
    const statuses: Record<string, number> = {};
    for (const { service, path, guard } of postRoutes(stack)) {
      statuses[`${service} ${path}`] = await post(service, path, bigJson(TWO_MB), validAuthorization(service, guard));
    }
    await annotate(answered(statuses, 413));
    expect(statuses).toEqual(Object.fromEntries(Object.keys(statuses).map((route) => [route, 413])));
  });

  it("answers a 2 MB body sent in chunks (no Content-Length) with 413 as well", async ({ annotate }) => {
    const chunked = () => {
      let sent = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= TWO_MB) return controller.close();
          controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
          sent += 64 * 1024;
        },
      });
    };
    const statuses: Record<string, number> = {};
    for (const { service, path, guard } of postRoutes(stack)) {
      statuses[`${service} ${path}`] = await post(service, path, chunked(), validAuthorization(service, guard));
    }
    await annotate(answered(statuses, 413));
    expect(statuses).toEqual(Object.fromEntries(Object.keys(statuses).map((route) => [route, 413])));
  });

  it("refuses a 2 MB body from an anonymous caller before reading it (401)", async ({ annotate }) => {
    const statuses: Record<string, number> = {};
    for (const { service, path } of postRoutes(stack)) statuses[`${service} ${path}`] = await post(service, path, bigJson(TWO_MB));
    await annotate(answered(statuses, 401));
    expect(statuses).toEqual(Object.fromEntries(Object.keys(statuses).map((route) => [route, 401])));
  });

  it("stays up and ran no handler: every service is healthy and nothing was published or scraped", async () => {
    for (const service of SERVICE_NAMES) {
      const health = await fetch(`${stack.services[service].url}/healthz`);
      expect(health.status, service).toBe(200);
    }
    expect(stack.portal.calls).toBe(0);
    const [runs] = await stack.db.sql<Array<{ n: number }>>`select count(*)::integer as n from crm_sync.runs`;
    expect(runs?.n).toBe(0);
  });
});
