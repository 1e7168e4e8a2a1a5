import type { z } from "zod";
import { ApiErrorBody, FreshnessView, RunList, RunView, StartResponse, isFinishedView, type SyncRequestBody } from "./views.ts";

export interface TriggerClientOptions {
  /** e.g. `https://crm-sync-trigger-xyz.a.run.app` */
  baseUrl: string;
  /** A static API token (one of the trigger's API_TOKENS, API_VIEWER_TOKENS or API_APPROVER_TOKENS). */
  token?: string;
  /** Or a Google-signed ID token for the trigger's audience, fetched per request (cached by the caller's library). */
  getIdToken?: () => Promise<string>;
  fetch?: typeof fetch;
  /** Per request; default 15 s. */
  timeoutMs?: number;
}

/** A refusal or failure from the trigger API: `status` is the HTTP status, `code` the API's error code. */
export class TriggerClientError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "TriggerClientError";
    this.status = status;
    this.code = code;
  }
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  onUpdate?: (run: RunView) => void;
}

export interface TriggerClient {
  requestSync(body?: SyncRequestBody): Promise<StartResponse>;
  getRun(runId: string): Promise<RunView>;
  listRuns(limit?: number): Promise<RunView[]>;
  freshness(): Promise<FreshnessView>;
  approve(runId: string): Promise<RunView>;
  /** Loads a stored export again as a new run (no scraping); refused while another run is active. */
  replay(object: string): Promise<StartResponse>;
  /** Polls until the run succeeded or failed; resolves with the finished run either way. */
  waitForRun(runId: string, options?: WaitOptions): Promise<RunView>;
}

export function createTriggerClient(options: TriggerClientOptions): TriggerClient {
  const base = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? fetch;

  async function authorization(): Promise<Record<string, string>> {
    if (options.getIdToken !== undefined) return { authorization: `Bearer ${await options.getIdToken()}` };
    if (options.token !== undefined) return { authorization: `Bearer ${options.token}` };
    return {};
  }

  async function call<S extends z.ZodType>(schema: S, method: string, path: string, body?: unknown): Promise<z.infer<S>> {
    const headers: Record<string, string> = { accept: "application/json", ...(await authorization()) };
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new TriggerClientError(0, "UNREACHABLE", `The crm-sync trigger API could not be reached (${(error as Error).name}).`);
    }
    const payload: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const parsed = ApiErrorBody.safeParse(payload);
      if (parsed.success) throw new TriggerClientError(response.status, parsed.data.error.code, parsed.data.error.message);
      throw new TriggerClientError(response.status, "HTTP_ERROR", `The crm-sync trigger API answered ${response.status}.`);
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) throw new TriggerClientError(response.status, "BAD_RESPONSE", "The crm-sync trigger API answered in an unexpected shape.");
    return parsed.data;
  }

  const runPath = (runId: string) => `/v1/syncs/${encodeURIComponent(runId)}`;

  const client: TriggerClient = {
    requestSync: (body = {}) => call(StartResponse, "POST", "/v1/syncs", body),
    getRun: (runId) => call(RunView, "GET", runPath(runId)),
    listRuns: async (limit = 20) => (await call(RunList, "GET", `/v1/syncs?limit=${limit}`)).runs,
    freshness: () => call(FreshnessView, "GET", "/v1/freshness"),
    approve: (runId) => call(RunView, "POST", `${runPath(runId)}/approve`, {}),
    replay: (object) => call(StartResponse, "POST", "/v1/syncs/replay", { object }),
    async waitForRun(runId, wait = {}) {
      const deadline = Date.now() + (wait.timeoutMs ?? 30 * 60_000);
      for (;;) {
        const run = await client.getRun(runId);
        wait.onUpdate?.(run);
        if (isFinishedView(run)) return run;
        if (Date.now() > deadline) throw new TriggerClientError(0, "WAIT_TIMEOUT", `Run ${runId} did not finish in time.`);
        await new Promise((resolve) => setTimeout(resolve, wait.intervalMs ?? 2000));
      }
    },
  };
  return client;
}
