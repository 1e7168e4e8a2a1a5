import { describe, expect, it } from "vitest";
import { createTriggerClient, TriggerClientError } from "./index.ts";
import type { RunView } from "./views.ts";

function run(status: RunView["status"], phase: RunView["phase"]): RunView {
  return {
    runId: "run-client-1",
    trigger: "api",
    requestedBy: null,
    status,
    stage: "scraping",
    phase,
    message: null,
    requestedAt: "2026-11-26T02:00:00.000Z",
    startedAt: null,
    stageChangedAt: "2026-11-26T02:00:00.000Z",
    finishedAt: null,
    counts: null,
    durationMs: null,
    error: null,
    destinationUntouched: null,
    artifacts: [],
    sourceObject: null,
    attempt: 1,
    approvedAt: null,
    traceId: null,
  };
}

/** A scripted server: answers the queued responses in order and records the requests. */
function scripted(responses: Array<() => Response>) {
  const requests: Request[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    requests.push(new Request(input, init));
    const next = responses.shift();
    if (next === undefined) throw new Error("no more scripted responses");
    return next();
  };
  return { fetchFn, requests };
}

describe("createTriggerClient", () => {
  it("sends the token as a bearer header and parses the run", async () => {
    const server = scripted([() => Response.json({ run: run("queued", "queued"), coalesced: false }, { status: 202 })]);
    const client = createTriggerClient({ baseUrl: "https://trigger.example.test/", token: "t0k3n", fetch: server.fetchFn });
    const started = await client.requestSync({ trigger: "api" });
    expect(started).toMatchObject({ coalesced: false, run: { runId: "run-client-1" } });
    const request = server.requests[0];
    expect(request?.url).toBe("https://trigger.example.test/v1/syncs");
    expect(request?.headers.get("authorization")).toBe("Bearer t0k3n");
    expect(await request?.json()).toEqual({ trigger: "api" });
  });

  it("prefers a fresh ID token when one is provided", async () => {
    const server = scripted([() => Response.json(run("running", "scraping"))]);
    const client = createTriggerClient({ baseUrl: "https://trigger.example.test", getIdToken: async () => "id.token.value", fetch: server.fetchFn });
    await client.getRun("run-client-1");
    expect(server.requests[0]?.headers.get("authorization")).toBe("Bearer id.token.value");
  });

  it("turns API errors, odd bodies and network failures into TriggerClientError", async () => {
    const server = scripted([
      () => Response.json({ error: { code: "UNAUTHENTICATED", message: "A bearer token is required." } }, { status: 401 }),
      () => new Response("<html>bad gateway</html>", { status: 502 }),
      () => Response.json({ unexpected: true }),
    ]);
    const client = createTriggerClient({ baseUrl: "https://trigger.example.test", fetch: server.fetchFn });
    await expect(client.freshness()).rejects.toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
    await expect(client.freshness()).rejects.toMatchObject({ status: 502, code: "HTTP_ERROR" });
    await expect(client.freshness()).rejects.toMatchObject({ code: "BAD_RESPONSE" });
    const offline = createTriggerClient({ baseUrl: "https://trigger.example.test", fetch: async () => Promise.reject(new TypeError("fetch failed")) });
    await expect(offline.listRuns()).rejects.toBeInstanceOf(TriggerClientError);
  });

  it("waitForRun polls until the run has finished and reports each update", async () => {
    const server = scripted([
      () => Response.json(run("queued", "queued")),
      () => Response.json(run("running", "loading")),
      () => Response.json({ ...run("failed", "failed"), error: { code: "PORTAL_AUTH_FAILED", message: "Login refused.", retryable: false, summary: "x" } }),
    ]);
    const client = createTriggerClient({ baseUrl: "https://trigger.example.test", fetch: server.fetchFn });
    const phases: string[] = [];
    const finished = await client.waitForRun("run-client-1", { intervalMs: 1, onUpdate: (update) => phases.push(update.phase) });
    expect(phases).toEqual(["queued", "loading", "failed"]);
    expect(finished.error?.code).toBe("PORTAL_AUTH_FAILED");
  });
});
