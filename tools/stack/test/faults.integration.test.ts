import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import type { ServiceName } from "@crm-sync/bus";
import { openDatabase, type Database } from "@crm-sync/db";
import { chromiumMissing, gate, matchesRoute, postgresMissing, pubsubEmulatorMissing, waitFor, type GcsRoute } from "@crm-sync/testing";
import { createTriggerClient, type RunView, type TriggerClient } from "@crm-sync/trigger-client";
import { startStack, type RunningStack } from "../src/start-stack.ts";
import { oracleOfRun, tableDigest } from "./support/export-oracle.ts";
import { faultProbes, type LockHolder } from "./support/fault-probes.ts";
import { tapOutcomes, type OutcomeTap } from "./support/outcome-tap.ts";
import { emailsAboutRun } from "./support/run-emails.ts";

const skip =
  gate("Pub/Sub emulator", pubsubEmulatorMissing()) || gate("PostgreSQL", await postgresMissing()) || gate("Chromium", chromiumMissing());

// Two exports the portal alternates between, so every good run really changes the table
// (12 customers appear or vanish: under the 10% mass-delete guard).
const SMALL = 200;
const LARGE = 212;
const CASE_TIMEOUT_MS = 120_000;
const PORTAL_PASSWORD = `faults-${randomBytes(6).toString("hex")}`;

// The scraper stores an export with a resumable upload: a POST opens the session, the PUT
// carries the bytes and stores the object. The loader reads it with one media GET.
const EXPORT_UPLOADS: GcsRoute = { pathPrefix: "/upload/storage/v1/b/crm-sync-exports/o" };
const EXPORT_STORE: GcsRoute = { method: "PUT", pathPrefix: "/upload/storage/v1/b/crm-sync-exports/o" };
const EXPORT_READS: GcsRoute = { method: "GET", pathPrefix: "/storage/v1/b/crm-sync-exports/o/exports", query: { alt: "media" } };

const SERVICES: readonly ServiceName[] = ["trigger", "scraper", "loader", "notifier"];

type Outcome = "succeeded" | "failed";
type Expected = { status: "succeeded" } | { status: "failed"; code: string };
type Annotate = TestContext["annotate"];

/** What a case saw of its own fault: notes for the report, and checks made once the run is over. */
interface Strike {
  notes: string[];
  after: Array<() => Promise<{ note: string; ok: boolean }>>;
}

describe.skipIf(skip)("fault injection on the multi-process stack: every crash or outage ends consistent", () => {
  let stack: RunningStack;
  let client: TriggerClient;
  let db: Database;
  let tap: OutcomeTap;
  let probes: ReturnType<typeof faultProbes>;
  const outcomes = new Map<string, Expected>();
  let portalCount = SMALL;
  /** The run whose stored export the table must equal: the last one that succeeded. */
  let lastGoodRun = "";
  /** The last run's outcome: what the notifier's alert state follows. */
  let lastOutcome: Outcome = "succeeded";
  /** Emails the notifier owes for every run so far, by its rule (see noteOutcome). */
  let emailsDue = 0;
  let releaseCustomers: (() => Promise<void>) | undefined;

  const setPortal = async (patch: Record<string, unknown>) => stack.portalAdmin(patch);

  /** Reads the ledger through the API, riding out a trigger that is down or restarting. */
  const finishedRun = (runId: string) =>
    waitFor(
      async () => {
        const run = await client.getRun(runId).catch(() => undefined);
        return run !== undefined && (run.status === "succeeded" || run.status === "failed") ? run : undefined;
      },
      { what: `run ${runId} to finish`, intervalMs: 200, timeoutMs: 90_000 },
    ).catch(async (error: unknown) => {
      // Where it stuck: the ledger and each service's log messages for the run (messages only, no data).
      const row = await probes.ledger(runId);
      const lines = await Promise.all(SERVICES.map(async (service) => `${service}: ${(await probes.runLinesAfter(service, 0, runId)).slice(-6).join(" | ")}`));
      const crashes = await Promise.all(SERVICES.map(async (service) => (await probes.crashLinesAfter(service, 0)).slice(0, 2).join(" ")));
      // This case fails; the stuck run is closed so that single flight does not fail every later case too.
      await db.sql`update crm_sync.runs set status = 'failed', error_code = 'INTERNAL', error_message = 'closed by the fault suite: the run never finished', finished_at = now() where id = ${runId} and status in ('queued', 'running')`;
      throw new Error(`${(error as Error).message}; ledger ${row?.status}/${row?.stage}; ${lines.join("; ")}; ${crashes.filter((c) => c !== "").join("; ")}`);
    });

  /** Faults off and every service up: each case starts from a healthy stack, whatever the last one left. */
  const heal = async () => {
    await releaseCustomers?.();
    releaseCustomers = undefined;
    stack.emulator.thaw();
    stack.db?.restore();
    stack.gcs.failNext(0);
    stack.smtp.resume();
    await stack.smtp.up();
    for (const service of SERVICES) {
      // A service that died (of an uncaught error, or in a case that failed mid-fault) comes back.
      if (!stack.running(service)) await stack.restart(service);
    }
  };

  const exportStored = (runId: string) =>
    waitFor(
      async () => {
        const response = await fetch(`${stack.gcs.url}/storage/v1/b/crm-sync-exports/o?prefix=exports/`);
        const listing = (await response.json()) as { items?: Array<{ name: string }> };
        return (listing.items ?? []).some((item) => item.name.endsWith(`/${runId}.csv`));
      },
      { what: "the export in the bucket", intervalMs: 5, timeoutMs: 60_000 },
    );

  /** What the GCS test server answered on `route` since request number `from`. */
  const answersOn = (route: GcsRoute, from: number) => stack.gcs.answered.slice(from).filter((answer) => matchesRoute(route, answer));
  const statuses = (route: GcsRoute, from: number) => answersOn(route, from).map((answer) => `${answer.status}${answer.injected ? " (injected)" : ""}`);

  /**
   * Holds SHARE on crm_sync.customers from the test's own connection: the loader's load
   * transaction then opens, takes its lock, stages and diffs, and waits at its first write.
   */
  const blockCustomerWrites = async () => {
    const reserved = await db.sql.reserve();
    await reserved`begin`;
    await reserved`lock table crm_sync.customers in share mode`;
    releaseCustomers = async () => {
      releaseCustomers = undefined;
      await reserved`commit`.catch(() => undefined);
      reserved.release();
    };
  };

  /** The loader's load transaction, holding the load lock and waiting at its writes. */
  const loaderCaughtWriting = () =>
    waitFor(
      async () => {
        const holder = await probes.loaderLockHolder();
        return holder !== undefined && (await probes.waitingOnCustomers(holder.pid)) ? holder : undefined;
      },
      { what: "the load transaction waiting at its writes", intervalMs: 20, timeoutMs: 60_000 },
    );
  const describeHolder = (holder: LockHolder) =>
    `the load lock held by backend ${holder.pid} (application "${holder.applicationName}", ${holder.state}, ${holder.inTransaction ? "inside its transaction" : "outside a transaction"})`;

  const loaderFailuresLogged = async (before: number) =>
    waitFor(async () => (await probes.logLines("loader", '"load failed"')) > before, { what: "the loader to fail the attempt", intervalMs: 20 });

  /**
   * kill -9, then restart once `beforeRestart` has run. Unless `whileRunning` is false the run
   * must still be open right after the kill (the strike came before the run ended). After the
   * run, the restarted process must have handled the run again: only a redelivery can tell a
   * fresh process about it.
   */
  async function crash(strike: Strike, service: ServiceName, runId: string, options: { whileRunning?: boolean; beforeRestart?: () => Promise<void> | void; expectLine?: string } = {}) {
    await stack.kill(service, "SIGKILL");
    const row = await probes.ledger(runId);
    if (options.whileRunning ?? true) await probes.stillRunning(runId);
    const offset = await probes.logOffset(service);
    strike.notes.push(`${service} killed with the run ${row?.status} at ${row?.stage}`);
    await options.beforeRestart?.();
    await stack.restart(service);
    strike.after.push(async () => {
      const wanted = options.expectLine;
      const seen = (lines: string[]) => lines.length > 0 && (wanted === undefined || lines.includes(wanted));
      // A redelivery may come after the run looks settled (the emulator's backoff): wait for it a while.
      const lines = await waitFor(async () => {
        const found = await probes.runLinesAfter(service, offset, runId);
        return seen(found) ? found : undefined;
      }, { what: "the redelivery", intervalMs: 200, timeoutMs: 30_000 }).catch(() => probes.runLinesAfter(service, offset, runId));
      const ok = seen(lines);
      return { note: `the restarted ${service} received the run's message again: ${lines.length === 0 ? "no log line for the run" : `"${[...new Set(lines)].join('", "')}"`}`, ok };
    });
  }

  /**
   * Follows what the notifier follows: an email is due when a run's outcome differs from the
   * last one (failing, or recovered); and a run that succeeded is the export the table holds.
   */
  function noteOutcome(runId: string, outcome: Outcome) {
    if (outcome !== lastOutcome) emailsDue += 1;
    lastOutcome = outcome;
    if (outcome === "succeeded") lastGoodRun = runId;
  }

  /**
   * A plain sync that leaves the notifier's alert state at `outcome`, when it is not there
   * already: a case's emails then depend on that case alone, in any order.
   */
  async function establish(outcome: Outcome): Promise<string | undefined> {
    if (lastOutcome === outcome) return undefined;
    if (outcome === "succeeded") {
      portalCount = portalCount === SMALL ? LARGE : SMALL;
      await setPortal({ count: portalCount, password: PORTAL_PASSWORD });
    } else {
      await setPortal({ password: "a-password-for-the-precondition" });
    }
    const { run, coalesced } = await client.requestSync();
    expect(coalesced, "a run from an earlier case is still open").toBe(false);
    outcomes.set(run.runId, outcome === "succeeded" ? { status: "succeeded" } : { status: "failed", code: "PORTAL_AUTH_FAILED" });
    const finished = await finishedRun(run.runId);
    noteOutcome(run.runId, finished.status as Outcome);
    expect(finished.status).toBe(outcome);
    await probes.settled(run.runId, outcome);
    await waitFor(async () => (await emailsAboutRun(stack.info.mailDir, await stack.mail(), run.runId)).length >= 1, { what: "the precondition's email" });
    return `after run ${run.runId} ${outcome} to start from a ${outcome === "succeeded" ? "healthy" : "failing"} state`;
  }

  /**
   * One sync with a fault injected while it runs, then the invariants: the fault landed where
   * the title says (the case's own checks), the run is final in the ledger with the expected
   * outcome, exactly one sync-completed or one classified sync-failed was published, the
   * customer table equals what the stored export says (computed by the test, not the loader),
   * and exactly `emails` emails about this run went out. What it observed goes into the
   * reliability report through `annotate`, before the checks, so a failing case shows it too.
   */
  async function exercise(
    annotate: Annotate,
    expected: Expected,
    emails: 0 | 1,
    fault: (runId: string, strike: Strike) => Promise<void>,
    options: { portal?: Record<string, unknown>; settleTimeoutMs?: number } = {},
  ): Promise<RunView> {
    // An email is due only when the outcome changes the alert state (failing, or recovered).
    const opposite: Outcome = expected.status === "succeeded" ? "failed" : "succeeded";
    const precondition = await establish(emails === 1 ? opposite : expected.status);
    if (expected.status === "succeeded") portalCount = portalCount === SMALL ? LARGE : SMALL;
    await setPortal({ count: portalCount, password: PORTAL_PASSWORD, ...options.portal });
    const { run, coalesced } = await client.requestSync();
    expect(coalesced).toBe(false);
    outcomes.set(run.runId, expected);
    const strike: Strike = { notes: [], after: [] };
    // A kill -9 leaves no trace in a log; a process that dies of an uncaught error prints one.
    for (const service of SERVICES) {
      const offset = await probes.logOffset(service);
      strike.after.push(async () => {
        const crash = await probes.crashLinesAfter(service, offset);
        return { note: crash.length === 0 ? "" : `the ${service} process DIED of an uncaught error: ${crash.find((line) => line.includes("Error")) ?? crash[0]}`, ok: crash.length === 0 };
      });
    }
    let faultError: unknown;
    try {
      await fault(run.runId, strike);
    } catch (error) {
      faultError = error;
    }
    await heal();
    const finished = await finishedRun(run.runId);
    // A fault that went wrong fails the case, but only once its run is over: the next case must
    // not find it still open.
    if (faultError !== undefined) {
      noteOutcome(run.runId, finished.status as Outcome);
      await probes.settled(run.runId, finished.status as Outcome, options.settleTimeoutMs).catch(() => undefined);
      throw faultError;
    }
    noteOutcome(run.runId, finished.status as Outcome);
    await probes.settled(run.runId, expected.status, options.settleTimeoutMs);
    const mine = async () => emailsAboutRun(stack.info.mailDir, await stack.mail(), run.runId);
    if (emails > 0) await waitFor(async () => (await mine()).length >= emails, { what: "the alert email" });
    const sent = (await mine()).length;

    const goodRun = lastGoodRun;
    const oracle = await oracleOfRun(stack.gcs.url, goodRun);
    const table = await tableDigest(db);
    const sameTable = table.active === oracle.active && table.digest === oracle.digest;
    const checks: Array<{ note: string; ok: boolean }> = [];
    for (const check of strike.after) checks.push(await check());
    const failedCodes = tap.failed(run.runId).map((failure) => failure.code);
    await annotate(
      [
        ...(precondition === undefined ? [] : [precondition]),
        ...strike.notes,
        ...checks.filter((check) => check.note !== "").map((check) => `${check.note}${check.ok ? "" : " (NOT as the case says)"}`),
        `run ${finished.status}${finished.error === null ? "" : ` (${finished.error.code})`}`,
        `table ${table.active} active, ${sameTable ? "equal to" : "NOT equal to"} the ${oracle.records}-record export of run ${goodRun} as the test reads it (${oracle.duplicates} duplicate-key records)`,
        `sync-completed ×${tap.completed(run.runId)}`,
        `sync-failed ${failedCodes.length === 0 ? "none" : failedCodes.join(", ")}`,
        `emails about the run ${sent}`,
      ].join("; "),
    );
    expect(checks.filter((check) => !check.ok).map((check) => check.note)).toEqual([]);
    if (expected.status === "succeeded") {
      expect(finished).toMatchObject({ status: "succeeded", counts: { rows: oracle.records, rejected: oracle.duplicates } });
      expect(tap.completed(run.runId)).toBe(1);
      expect(tap.failed(run.runId)).toEqual([]);
    } else {
      expect(finished).toMatchObject({ status: "failed", error: { code: expected.code }, destinationUntouched: true });
      expect(tap.failed(run.runId)).toEqual([{ code: expected.code }]);
      expect(tap.completed(run.runId)).toBe(0);
    }
    expect(table).toEqual({ active: oracle.active, digest: oracle.digest });
    expect(sent).toBe(emails);
    return finished;
  }

  beforeAll(async () => {
    // A private emulator: one case freezes it, which a shared one must never be.
    stack = await startStack({ customers: SMALL, privateEmulator: true, databaseProxy: true, portalPassword: PORTAL_PASSWORD, maxDeliveryAttempts: 5, minBackoffSeconds: 1, maxBackoffSeconds: 2 });
    client = createTriggerClient({ baseUrl: stack.info.apiUrl, token: stack.info.apiToken, timeoutMs: 5_000 });
    // The test's own connections go straight to Postgres, never through the proxy it cuts; one
    // of them may be holding a lock on the customer table while the others probe.
    db = await openDatabase(stack.info.databaseUrl, { max: 3 });
    probes = faultProbes(db, stack.info.logDir);
    tap = await tapOutcomes(stack.info.projectId, stack.info.emulatorHost);
    // One clean load, so every case starts from a table that holds an export.
    portalCount = LARGE;
    await setPortal({ count: portalCount });
    const { run } = await client.requestSync();
    outcomes.set(run.runId, { status: "succeeded" });
    expect(await finishedRun(run.runId)).toMatchObject({ status: "succeeded", counts: { rows: LARGE } });
    await probes.settled(run.runId, "succeeded");
    noteOutcome(run.runId, "succeeded");
  }, 240_000);

  afterAll(async () => {
    await releaseCustomers?.();
    await tap?.close();
    await db?.close();
    await stack?.stop();
  });

  it("kill -9 the scraper while it logs in: redelivered, one success", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(annotate, { status: "succeeded" }, 0, async (runId, strike) => {
      await probes.inStage(runId, "scraping", "Logging in to the portal");
      await crash(strike, "scraper", runId, { expectLine: "logging in to the portal" });
    });
  });

  it("kill -9 the scraper while the portal prepares the export", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    try {
      await exercise(
        annotate,
        { status: "succeeded" },
        0,
        async (runId, strike) => {
          await probes.inStage(runId, "scraping", "Exporting customers");
          await crash(strike, "scraper", runId, { expectLine: "logging in to the portal" });
        },
        { portal: { exportDelayMs: 2_000 } },
      );
    } finally {
      await setPortal({ exportDelayMs: 0 });
    }
  });

  it("kill -9 the scraper after the download, before the upload", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(annotate, { status: "succeeded" }, 0, async (runId, strike) => {
      // The blob store refuses every upload until the kill, so the scraper is caught holding a
      // downloaded export that is not stored yet.
      const from = stack.gcs.answered.length;
      stack.gcs.failNext(1_000, { status: 503, only: EXPORT_UPLOADS });
      await waitFor(() => answersOn(EXPORT_UPLOADS, from).some((answer) => answer.injected && answer.status > 0), { what: "the upload attempt", intervalMs: 5 });
      await crash(strike, "scraper", runId, {
        expectLine: "logging in to the portal",
        beforeRestart: () => {
          strike.notes.push(`uploads answered before the kill: ${statuses(EXPORT_UPLOADS, from).join(", ")}`);
          stack.gcs.failNext(0);
        },
      });
    });
  });

  it("the blob store answers 503 to the upload, then recovers", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    let from = 0;
    await exercise(annotate, { status: "succeeded" }, 0, async (runId, strike) => {
      // Aimed at the upload route: nothing else (the test's own listing polls included) can use the 503s up.
      from = stack.gcs.answered.length;
      stack.gcs.failNext(3, { status: 503, only: EXPORT_UPLOADS });
      await exportStored(runId);
      strike.after.push(async () => {
        const uploads = answersOn(EXPORT_UPLOADS, from);
        const injected = uploads.slice(0, 3).filter((answer) => answer.injected && answer.status === 503).length;
        const storedAfter = uploads.slice(3).some((answer) => answer.status >= 200 && answer.status < 300);
        return { note: `the scraper's upload requests were answered ${statuses(EXPORT_UPLOADS, from).join(", ")}`, ok: injected === 3 && storedAfter };
      });
    });
  });

  it("kill -9 the scraper after the upload, before csv-ready is published", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(annotate, { status: "succeeded" }, 0, async (runId, strike) => {
      // The upload is stored but its answer held: the scraper cannot have published csv-ready.
      const hold = stack.gcs.holdNext(EXPORT_STORE);
      await hold.arrived;
      await exportStored(runId);
      strike.notes.push("the export stored, its upload's answer held");
      await crash(strike, "scraper", runId, { expectLine: "export already stored for this run; announcing it again", beforeRestart: () => hold.release() });
    });
  });

  it("kill -9 the loader while it parses", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(annotate, { status: "succeeded" }, 0, async (runId, strike) => {
      // The loader's read of the export is answered only after the kill: it is caught reading.
      const hold = stack.gcs.holdNext(EXPORT_READS);
      await hold.arrived;
      await probes.inStage(runId, "parsing");
      const holder = await probes.loaderLockHolder();
      strike.notes.push(holder === undefined ? "no load transaction open" : `reading the export with ${describeHolder(holder)}`);
      expect(holder?.inTransaction).toBe(true);
      await crash(strike, "loader", runId, { expectLine: "load completed", beforeRestart: () => hold.release() });
    });
  });

  it("Postgres goes away inside the load transaction, then comes back", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(annotate, { status: "succeeded" }, 0, async (runId, strike) => {
      await blockCustomerWrites();
      const holder = await loaderCaughtWriting();
      expect(await probes.loadCommittedNow(runId)).toBe(false);
      strike.notes.push(`cut with ${describeHolder(holder)}, waiting at its writes`);
      const offset = await probes.logOffset("loader");
      stack.db?.cut();
      await releaseCustomers?.();
      // Its writes then run, but its client is gone: the backend ends, and whether its COMMIT had
      // already been sent decides whether the load stands. Either way the run must end right.
      await waitFor(async () => (await db.sql`select 1 from pg_stat_activity where pid = ${holder.pid}`).length === 0, { what: "the load's backend to end" });
      strike.notes.push(`backend ${holder.pid} ended ${(await probes.loadCommittedNow(runId)) ? "after committing" : "without committing"}`);
      // Postgres comes back when the fault ends (heal); a later attempt must then load or announce the run.
      strike.after.push(async () => {
        const lines = await probes.runLinesAfter("loader", offset, runId);
        const failed = lines.filter((line) => line === "load failed").length;
        return { note: `after the cut the loader logged ${failed} failed attempt(s) and "${[...new Set(lines)].join('", "')}"`, ok: lines.includes("load completed") };
      });
    });
  });

  it("kill -9 the loader after the commit, before it acks", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(annotate, { status: "succeeded" }, 0, async (runId, strike) => {
      // With the emulator frozen the loader commits, then hangs publishing sync-completed: it
      // cannot have answered (acked) the push it is handling.
      await blockCustomerWrites();
      await loaderCaughtWriting();
      stack.emulator.freeze();
      await releaseCustomers?.();
      await probes.loadCommitted(runId);
      strike.notes.push("the load committed with the emulator frozen (sync-completed unpublished, csv-ready unacked)");
      await crash(strike, "loader", runId, { expectLine: "load completed", beforeRestart: () => stack.emulator.thaw() });
    });
  });

  it("kill -9 the trigger during a run: the ledger catches up from redeliveries", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(annotate, { status: "succeeded" }, 0, async (runId, strike) => {
      await probes.inStage(runId, "scraping");
      const killedAt = Date.now();
      let restartedAt = 0;
      // Down until the export is stored: the scraper's later progress is published while no trigger listens.
      await crash(strike, "trigger", runId, {
        expectLine: "ledger updated",
        beforeRestart: async () => {
          await exportStored(runId);
          restartedAt = Date.now();
        },
      });
      strike.after.push(async () => {
        const missed = tap.progress(runId).filter((event) => event.occurredAt >= killedAt && event.occurredAt < restartedAt);
        return { note: `${missed.length} sync-progress events published while the trigger was down (${missed.map((event) => event.stage).join(", ")})`, ok: missed.length > 0 };
      });
    });
  });

  it("Postgres is down when the load starts (DB_UNAVAILABLE retried), then restored", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(annotate, { status: "succeeded" }, 0, async (runId, strike) => {
      const failures = await probes.logLines("loader", '"load failed"');
      // Cut while the upload's answer is held: csv-ready, and so the load, comes only after the cut.
      const hold = stack.gcs.holdNext(EXPORT_STORE);
      await hold.arrived;
      stack.db?.cut();
      hold.release();
      strike.notes.push("the database cut before csv-ready was published");
      await loaderFailuresLogged(failures);
      strike.notes.push("the loader logged the failed attempt");
    });
  });

  it("SMTP is down when the failure email goes out, then up: one email", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(
      annotate,
      { status: "failed", code: "PORTAL_AUTH_FAILED" },
      1,
      async (runId, strike) => {
        // Down before the portal login fails (a browser login takes far longer than closing a socket).
        await stack.smtp.down();
        await probes.emailHeldBack(runId);
        strike.notes.push("a delivery of the failure email failed with SMTP down");
        await stack.smtp.up();
      },
      { portal: { password: "a-password-nobody-told-us" } },
    );
  });

  it("the blob store answers 503 when the loader reads the export, then recovers: one recovery email", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(annotate, { status: "succeeded" }, 1, async (runId, strike) => {
      const from = stack.gcs.answered.length;
      stack.gcs.failNext(2, { status: 503, only: EXPORT_READS });
      // Both 503s answered, then either a read that succeeds or the loader dying of them.
      await waitFor(
        async () => (answersOn(EXPORT_READS, from).length >= 3 && answersOn(EXPORT_READS, from).every((answer) => answer.status > 0)) || !stack.running("loader"),
        { what: "the loader to read the export again after the 503s", timeoutMs: 60_000 },
      );
      strike.after.push(async () => {
        const reads = answersOn(EXPORT_READS, from);
        const ok = reads.slice(0, 2).every((answer) => answer.injected && answer.status === 503) && reads.slice(2).some((answer) => answer.status === 200);
        return { note: `the loader's reads of the export were answered ${statuses(EXPORT_READS, from).join(", ")}`, ok };
      });
    });
  });

  it("a permanent failure with the notifier killed before it acks: one email", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(
      annotate,
      { status: "failed", code: "PORTAL_AUTH_FAILED" },
      1,
      async (runId, strike) => {
        // SMTP refuses, so the notifier answers "retry" and cannot ack until its email is accepted.
        await stack.smtp.down();
        await probes.emailHeldBack(runId);
        strike.notes.push("the failure email held back by SMTP, so the notifier had not acked");
        await crash(strike, "notifier", runId, { whileRunning: false, expectLine: "event already handled; checking its email only", beforeRestart: () => stack.smtp.up() });
      },
      { portal: { password: "another-password-nobody-told-us" } },
    );
  });

  it("kill -9 the notifier as the load commits: sync-completed is redelivered, one recovery email", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(annotate, { status: "succeeded" }, 1, async (runId, strike) => {
      await blockCustomerWrites();
      await loaderCaughtWriting();
      await crash(strike, "notifier", runId, {
        beforeRestart: async () => {
          await releaseCustomers?.();
          await probes.loadCommitted(runId);
          // Published while no notifier listened: what the restarted one gets is a redelivery.
          await waitFor(() => tap.completed(runId) > 0, { what: "sync-completed to be published" });
          strike.notes.push("sync-completed published while the notifier was down");
        },
      });
    });
  });

  it("afterwards: each run published exactly one outcome and nothing else was emailed", async ({ annotate }) => {
    const published = [...outcomes.keys()].map((runId) => tap.completed(runId) + tap.failed(runId).length);
    const [open] = await db.sql<Array<{ n: number }>>`select count(*)::int as n from crm_sync.runs where status in ('queued', 'running')`;
    await annotate(
      `${outcomes.size} runs, ${published.filter((n) => n === 1).length} with exactly one outcome published; ${(await stack.mail()).length} emails for ${emailsDue} due; ${open?.n} runs left open`,
    );
    for (const [runId, expected] of outcomes) {
      if (expected.status === "succeeded") expect({ runId, completed: tap.completed(runId), failed: tap.failed(runId).length }).toEqual({ runId, completed: 1, failed: 0 });
      else expect({ runId, completed: tap.completed(runId), failed: tap.failed(runId).length }).toEqual({ runId, completed: 0, failed: 1 });
    }
    expect(await stack.mail()).toHaveLength(emailsDue);
    expect(open?.n).toBe(0);
  });

  // The dead sender's lease (15 s) outlives this stack's short redelivery policy, so the event
  // dead-letters; the notifier sees its email is queued, keeps flushing, and sends no DEAD LETTER
  // alert. The case waits for that email itself, so no later case sees it arrive.
  it("kill -9 the notifier while it sends the failure email: one email, no dead-letter alert", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(
      annotate,
      { status: "failed", code: "PORTAL_AUTH_FAILED" },
      1,
      async (runId, strike) => {
        const connections = stack.smtp.connections;
        stack.smtp.stall();
        await waitFor(() => stack.smtp.connections > connections, { what: "the notifier's SMTP session", intervalMs: 5 });
        strike.notes.push("the notifier's SMTP session held before the greeting");
        await crash(strike, "notifier", runId, { whileRunning: false, beforeRestart: () => stack.smtp.resume() });
      },
      { portal: { password: "yet-another-password-nobody-told-us" }, settleTimeoutMs: 30_000 },
    );
  });
});
