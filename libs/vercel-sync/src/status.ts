// Reads run status and data freshness straight from Supabase with supabase-js, as the signed-in
// staff user: the project's anon (publishable) key identifies the app, the user's JWT makes the
// request run as role `authenticated`, and the RLS migrations
// (supabase/migrations/20261126000100_row_level_security.sql, 20261206170000_run_status_view.sql)
// let that role read the view crm_sync.run_status and call crm_sync.freshness() — nothing else.
// Never give it the service_role key, which skips RLS entirely.
import { createClient, type PostgrestError } from "@supabase/supabase-js";
import { z } from "zod";
import { phaseOf, Stage } from "../../contracts/src/index.ts";
import { FreshnessView, RunCounts, RunPhase } from "../../trigger-client/src/index.ts";

export interface StatusClientOptions {
  /** `https://<project-ref>.supabase.co` */
  url: string;
  /** The project's anon / publishable key. Public by design: RLS decides what it may read. */
  anonKey: string;
  /** The signed-in staff user's access token (a Supabase Auth JWT). */
  accessToken: string;
  /** For tests and runtimes without a global fetch. */
  fetch?: typeof fetch;
}

export type StatusErrorCode = "SERVICE_KEY_REFUSED" | "UNAUTHENTICATED" | "FORBIDDEN" | "UNAVAILABLE" | "REQUEST_FAILED" | "BAD_RESPONSE";

/** A failed status read. The message never holds a key or token; the server's answer is the cause. */
export class StatusReadError extends Error {
  readonly code: StatusErrorCode;
  /** HTTP status from Supabase; 0 when no answer came back. */
  readonly status: number;
  constructor(code: StatusErrorCode, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StatusReadError";
    this.code = code;
    this.status = status;
  }
}

/** The crm_sync.run_status columns the button shows; PostgREST answers with exactly these keys. */
export const RUN_STATUS_COLUMNS = [
  "id",
  "trigger",
  "requested_by",
  "status",
  "stage",
  "stage_message",
  "requested_at",
  "started_at",
  "finished_at",
  "counts",
  "duration_ms",
  "error_code",
  "error_message",
  "destination_untouched",
] as const;

// PostgREST renders timestamptz as ISO-8601 with an offset and microseconds; normalized to the
// trigger API's form (UTC, milliseconds) so both readers show the same text.
const Timestamp = z.string().transform((text, ctx) => {
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) {
    ctx.addIssue({ code: "custom", message: "not a timestamp" });
    return z.NEVER;
  }
  return at.toISOString();
});

/** What staff see, as the trigger's run view says it: queued → scraping → loading → done, or failed. */
function phaseFor(status: "queued" | "running" | "succeeded" | "failed", stage: string): RunPhase {
  if (status === "failed") return "failed";
  if (status === "succeeded") return "done";
  const known = Stage.safeParse(stage);
  // `notifying` and any stage newer than this package come after the load has begun.
  return known.success ? phaseOf(known.data) : "loading";
}

const RunStatusRow = z
  .object({
    id: z.string(),
    trigger: z.string(),
    requested_by: z.string().nullable(),
    status: z.enum(["queued", "running", "succeeded", "failed"]),
    stage: z.string(),
    stage_message: z.string().nullable(),
    requested_at: Timestamp,
    started_at: Timestamp.nullable(),
    finished_at: Timestamp.nullable(),
    counts: RunCounts.nullable(),
    duration_ms: z.number().int().nullable(),
    error_code: z.string().nullable(),
    error_message: z.string().nullable(),
    destination_untouched: z.boolean().nullable(),
  })
  .transform((row) => ({
    runId: row.id,
    phase: phaseFor(row.status, row.stage),
    trigger: row.trigger,
    requestedBy: row.requested_by,
    status: row.status,
    stage: row.stage,
    message: row.stage_message,
    requestedAt: row.requested_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    counts: row.counts,
    durationMs: row.duration_ms,
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? "" },
    destinationUntouched: row.destination_untouched,
  }));
export type RunStatus = z.output<typeof RunStatusRow>;

// crm_sync.freshness() has OUT parameters and no SETOF, so PostgREST answers with one object.
const FreshnessRow = z
  .object({
    last_success_at: Timestamp.nullable(),
    age_seconds: z.number().int().nullable(),
    customer_count: z.number().int(),
    stale: z.boolean(),
    stale_after_seconds: z.number().int(),
  })
  .transform((row) =>
    FreshnessView.parse({
      lastSuccessAt: row.last_success_at,
      ageSeconds: row.age_seconds,
      customerCount: row.customer_count,
      stale: row.stale,
      staleAfterSeconds: row.stale_after_seconds,
    }),
  );

/** True for keys that bypass RLS: new-style secret keys and legacy JWTs with role service_role. */
export function isServiceRoleKey(key: string): boolean {
  if (key.startsWith("sb_secret_")) return true;
  const payload = key.split(".")[1];
  if (payload === undefined) return false;
  try {
    // atob, not Buffer: this also runs in the browser. JWT parts are base64url without padding.
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    return typeof claims === "object" && claims !== null && (claims as { role?: unknown }).role === "service_role";
  } catch {
    return false;
  }
}

export function createStatusClient(options: StatusClientOptions) {
  if (isServiceRoleKey(options.anonKey) || isServiceRoleKey(options.accessToken)) {
    throw new StatusReadError("SERVICE_KEY_REFUSED", 0, "Refusing a service_role key: read status with the anon key and the staff user's token.");
  }
  return createClient(options.url, options.anonKey, {
    db: { schema: "crm_sync" },
    // The user's token instead of a stored session: this client lives for one request.
    global: { headers: { Authorization: `Bearer ${options.accessToken}` }, ...(options.fetch ? { fetch: options.fetch } : {}) },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
}
export type StatusClient = ReturnType<typeof createStatusClient>;

function failure(what: string, status: number, error: PostgrestError): StatusReadError {
  const code = error.code ? ` (${error.code})` : "";
  if (status === 401) return new StatusReadError("UNAUTHENTICATED", status, `Supabase refused the sign-in while reading ${what}${code}: sign in again.`, { cause: error });
  if (status === 403 || error.code === "42501") {
    return new StatusReadError("FORBIDDEN", status, `This account may not read ${what}${code}.`, { cause: error });
  }
  if (status === 0 || status >= 500) return new StatusReadError("UNAVAILABLE", status, `Supabase could not be reached for ${what} (HTTP ${status})${code}.`, { cause: error });
  return new StatusReadError("REQUEST_FAILED", status, `Reading ${what} failed with HTTP ${status}${code}.`, { cause: error });
}

function parsed<S extends z.ZodType>(schema: S, what: string, data: unknown): z.output<S> {
  const result = schema.safeParse(data);
  if (!result.success) throw new StatusReadError("BAD_RESPONSE", 200, `Supabase answered ${what} in an unexpected shape.`, { cause: result.error });
  return result.data;
}

/** The newest runs first (ties broken by id, as the trigger's run list does). */
export async function readLatestRuns(client: StatusClient, limit = 10): Promise<RunStatus[]> {
  const { data, error, status } = await client
    .from("run_status")
    .select(RUN_STATUS_COLUMNS.join(","))
    .order("requested_at", { ascending: false })
    .order("id", { ascending: false })
    .limit(limit);
  if (error) throw failure("the run list", status, error);
  return parsed(z.array(RunStatusRow), "the run list", data);
}

/** One run by id; undefined when the ledger has not heard of it yet (a publish is seconds ahead of it). */
export async function readRun(client: StatusClient, runId: string): Promise<RunStatus | undefined> {
  const { data, error, status } = await client.from("run_status").select(RUN_STATUS_COLUMNS.join(",")).eq("id", runId).maybeSingle();
  if (error) throw failure("the run", status, error);
  return data === null ? undefined : parsed(RunStatusRow, "the run", data);
}

/** Same meaning as the trigger's GET /v1/freshness; the threshold defaults to 26 h in the database. */
export async function readFreshness(client: StatusClient, options: { staleAfterSeconds?: number } = {}): Promise<FreshnessView> {
  const args = options.staleAfterSeconds === undefined ? {} : { stale_after_seconds: options.staleAfterSeconds };
  const { data, error, status } = await client.rpc("freshness", args);
  if (error) throw failure("data freshness", status, error);
  return parsed(FreshnessRow, "data freshness", data);
}

export async function readSyncStatus(client: StatusClient, limit = 10): Promise<{ runs: RunStatus[]; freshness: FreshnessView }> {
  const [runs, freshness] = await Promise.all([readLatestRuns(client, limit), readFreshness(client)]);
  return { runs, freshness };
}
