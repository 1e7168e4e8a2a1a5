import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { openDatabase, type Database } from "@crm-sync/db";
import { chromiumMissing, gate, postgresMissing, pubsubEmulatorMissing, waitFor } from "@crm-sync/testing";
import { createTriggerClient, type RunView, type TriggerClient } from "@crm-sync/trigger-client";
import { startStack, type RunningStack } from "../src/start-stack.ts";
import { activeCustomerDigest } from "./support/customer-digest.ts";
import { faultProbes } from "./support/fault-probes.ts";
import { tapOutcomes, type OutcomeTap } from "./support/outcome-tap.ts";

const skip =
  gate("Pub/Sub emulator", pubsubEmulatorMissing()) || gate("PostgreSQL", await postgresMissing()) || gate("Chromium", chromiumMissing());

// Two exports the portal alternates between, so every good run really changes the table
// (12 customers appear or vanish: under the 10% mass-delete guard).
const SMALL = 200;
const LARGE = 212;
const CASE_TIMEOUT_MS = 120_000;
const PORTAL_PASSWORD = `faults-${randomBytes(6).toString("hex")}`;

type Expected = { status: "succeeded" } | { status: "failed"; code: string };
type Annotate = TestContext["annotate"];

describe.skipIf(skip)("fault injection on the multi-process stack: every crash or outage ends consistent", () => {
  let stack: RunningStack;
  let client: TriggerClient;
  let db: Database;
  let tap: OutcomeTap;
  let probes: ReturnType<typeof faultProbes>;
  const reference = new Map<number, { active: number; digest: string }>();
  const outcomes = new Map<string, Expected>();
  let portalCount = SMALL;
  let lastGood = { active: 0, digest: "" };
  let emailsSoFar = 0;

  const setPortal = async (patch: Record<string, unknown>) => stack.portalAdmin(patch);

  /** Reads the ledger through the API, riding out a trigger that is down or restarting. */
  const finishedRun = (runId: string) =>
    waitFor(
      async () => {
        const run = await client.getRun(runId).catch(() => undefined);
        return run !== undefined && (run.status === "succeeded" || run.status === "failed") ? run : undefined;
      },
      { what: `run ${runId} to finish`, intervalMs: 200, timeoutMs: 90_000 },
    );

  /** Faults off and every service up: each case starts from a healthy stack. */
  const heal = async () => {
    stack.db?.restore();
    stack.gcs.failNext(0);
    stack.smtp.resume();
    await stack.smtp.up();
  };

  const restartAfterKill = async (service: "trigger" | "scraper" | "loader" | "notifier") => {
    await stack.kill(service, "SIGKILL");
    await stack.restart(service);
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

  /** The loader holds its advisory lock exactly while its one load transaction is open. */
  const insideLoadTransaction = () =>
    waitFor(
      async () => (await db.sql`select 1 from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())`).length > 0,
      { what: "the load transaction", intervalMs: 2, timeoutMs: 60_000 },
    );

  const loaderFailuresLogged = async (before: number) =>
    waitFor(async () => (await probes.logLines("loader", '"load failed"')) > before, { what: "the loader to fail the attempt", intervalMs: 20 });

  /**
   * One sync with a fault injected while it runs, then the invariants: the run is final in the
   * ledger with the expected outcome, exactly one sync-completed or one classified sync-failed
   * was published, the customer table equals the last good export, and exactly `emails` emails.
   * What it observed goes into the reliability report through `annotate`, before the checks, so
   * a failing case shows it too.
   */
  async function exercise(
    annotate: Annotate,
    expected: Expected,
    emails: number,
    fault: (runId: string) => Promise<void>,
    settleTimeoutMs?: number,
  ): Promise<RunView> {
    if (expected.status === "succeeded") {
      portalCount = portalCount === SMALL ? LARGE : SMALL;
      await setPortal({ count: portalCount });
    }
    const mailBefore = (await stack.mail()).length;
    const { run, coalesced } = await client.requestSync();
    expect(coalesced).toBe(false);
    outcomes.set(run.runId, expected);
    try {
      await fault(run.runId);
    } finally {
      await heal();
    }
    const finished = await finishedRun(run.runId);
    await probes.settled(run.runId, expected.status, settleTimeoutMs);
    if (emails > 0) await waitFor(async () => (await stack.mail()).length >= mailBefore + emails, { what: "the alert email" });

    const table = await activeCustomerDigest(db);
    const wanted = expected.status === "succeeded" ? reference.get(portalCount) : lastGood;
    const sameTable = table.active === wanted?.active && table.digest === wanted.digest;
    const failedCodes = tap.failed(run.runId).map((failure) => failure.code);
    await annotate(
      [
        `run ${finished.status}${finished.error === null ? "" : ` (${finished.error.code})`}`,
        `table ${table.active} active, ${sameTable ? "equal to" : "NOT equal to"} ${expected.status === "succeeded" ? `the clean load of the ${portalCount}-customer export` : "the last good export"}`,
        `sync-completed ×${tap.completed(run.runId)}`,
        `sync-failed ${failedCodes.length === 0 ? "none" : failedCodes.join(", ")}`,
        `emails ${(await stack.mail()).length - mailBefore}`,
      ].join("; "),
    );
    if (expected.status === "succeeded") {
      expect(finished).toMatchObject({ status: "succeeded", counts: { rows: portalCount, rejected: 0 } });
      expect(table).toEqual(reference.get(portalCount));
      lastGood = table;
      expect(tap.completed(run.runId)).toBe(1);
      expect(tap.failed(run.runId)).toEqual([]);
    } else {
      expect(finished).toMatchObject({ status: "failed", error: { code: expected.code }, destinationUntouched: true });
      expect(table).toEqual(lastGood);
      expect(tap.failed(run.runId)).toEqual([{ code: expected.code }]);
      expect(tap.completed(run.runId)).toBe(0);
    }
    expect((await stack.mail()).length - mailBefore).toBe(emails);
    emailsSoFar += emails;
    return finished;
  }

  beforeAll(async () => {
    stack = await startStack({ customers: SMALL, databaseProxy: true, portalPassword: PORTAL_PASSWORD, maxDeliveryAttempts: 5, minBackoffSeconds: 1, maxBackoffSeconds: 2 });
    client = createTriggerClient({ baseUrl: stack.info.apiUrl, token: stack.info.apiToken, timeoutMs: 5_000 });
    // The test's own connection goes straight to Postgres, never through the proxy it cuts.
    db = await openDatabase(stack.info.databaseUrl, { max: 2 });
    probes = faultProbes(db, stack.info.logDir);
    tap = await tapOutcomes(stack.info.projectId, stack.info.emulatorHost);
    // Clean reference loads: what the table must look like after each export.
    for (const count of [SMALL, LARGE]) {
      await setPortal({ count });
      const { run } = await client.requestSync();
      outcomes.set(run.runId, { status: "succeeded" });
      expect(await finishedRun(run.runId)).toMatchObject({ status: "succeeded", counts: { rows: count } });
      await probes.settled(run.runId, "succeeded");
      reference.set(count, await activeCustomerDigest(db));
    }
    portalCount = LARGE;
    lastGood = reference.get(LARGE) ?? lastGood;
  }, 240_000);

  afterAll(async () => {
    await tap?.close();
    await db?.close();
    await stack?.stop();
  });

  it("kill -9 the scraper while it logs in: redelivered, one success", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(annotate, { status: "succeeded" }, 0, async (runId) => {
      await probes.stageReached(runId, ["scraping"]);
      await restartAfterKill("scraper");
    });
  });

  it("kill -9 the scraper while the portal prepares the export", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await setPortal({ exportDelayMs: 2_000 });
    try {
      await exercise(annotate, { status: "succeeded" }, 0, async (runId) => {
        await probes.messageShown(runId, "Exporting customers");
        await restartAfterKill("scraper");
      });
    } finally {
      await setPortal({ exportDelayMs: 0 });
    }
  });

  it("kill -9 the scraper after the download, before the upload", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(annotate, { status: "succeeded" }, 0, async (runId) => {
      // The blob store refuses the upload until the kill, so the scraper is caught holding a
      // downloaded export that is not stored yet.
      await probes.stageReached(runId, ["scraping"]);
      const requests = stack.gcs.requestCount;
      stack.gcs.failNext(1_000, 503);
      await waitFor(() => stack.gcs.requestCount > requests, { what: "the upload attempt", intervalMs: 5 });
      await stack.kill("scraper", "SIGKILL");
      stack.gcs.failNext(0);
      await stack.restart("scraper");
    });
  });

  it("the blob store answers 503 to the upload, then recovers", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(annotate, { status: "succeeded" }, 0, async (runId) => {
      // After "scraping" the scraper's next requests are the upload's.
      await probes.stageReached(runId, ["scraping"]);
      stack.gcs.failNext(3, 503);
      await exportStored(runId);
    });
  });

  it("kill -9 the scraper after the upload, before csv-ready is published", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(annotate, { status: "succeeded" }, 0, async (runId) => {
      await exportStored(runId);
      await restartAfterKill("scraper");
    });
  });

  it("kill -9 the loader while it parses", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(annotate, { status: "succeeded" }, 0, async (runId) => {
      await probes.stageReached(runId, ["parsing"]);
      await restartAfterKill("loader");
    });
  });

  it("Postgres goes away inside the load transaction, then comes back", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(annotate, { status: "succeeded" }, 0, async () => {
      const failures = await probes.logLines("loader", '"load failed"');
      await insideLoadTransaction();
      stack.db?.cut();
      await loaderFailuresLogged(failures);
    });
  });

  it("kill -9 the loader after the commit, before it acks", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(annotate, { status: "succeeded" }, 0, async (runId) => {
      await probes.loadCommitted(runId);
      await restartAfterKill("loader");
    });
  });

  it("kill -9 the trigger during a run: the ledger catches up from redeliveries", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(annotate, { status: "succeeded" }, 0, async (runId) => {
      await probes.stageReached(runId, ["scraping"]);
      await restartAfterKill("trigger");
    });
  });

  it("Postgres is down when the load starts (DB_UNAVAILABLE retried), then restored", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await exercise(annotate, { status: "succeeded" }, 0, async (runId) => {
      const failures = await probes.logLines("loader", '"load failed"');
      await exportStored(runId);
      stack.db?.cut();
      await loaderFailuresLogged(failures);
    });
  });

  it("SMTP is down when the failure email goes out, then up: one email", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await setPortal({ password: "a-password-nobody-told-us" });
    await stack.smtp.down();
    await exercise(annotate, { status: "failed", code: "PORTAL_AUTH_FAILED" }, 1, async (runId) => {
      await probes.emailHeldBack(runId);
      await stack.smtp.up();
    });
  });

  it("the blob store answers 503 when the loader reads the export, then recovers: one recovery email", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await setPortal({ password: PORTAL_PASSWORD });
    await exercise(annotate, { status: "succeeded" }, 1, async (runId) => {
      await exportStored(runId);
      stack.gcs.failNext(2, 503);
      await probes.stageReached(runId, ["committing"]);
    });
  });

  it("a permanent failure with the notifier killed before it acks: one email", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await setPortal({ password: "another-password-nobody-told-us" });
    await exercise(annotate, { status: "failed", code: "PORTAL_AUTH_FAILED" }, 1, async (runId) => {
      await probes.emailSent(runId);
      await restartAfterKill("notifier");
    });
  });

  it("kill -9 the notifier as the load commits: sync-completed is redelivered, one recovery email", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await setPortal({ password: PORTAL_PASSWORD });
    await exercise(annotate, { status: "succeeded" }, 1, async (runId) => {
      await probes.loadCommitted(runId);
      await restartAfterKill("notifier");
    });
  });

  it("afterwards: each run published exactly one outcome and nothing else was emailed", async ({ annotate }) => {
    const published = [...outcomes.keys()].map((runId) => tap.completed(runId) + tap.failed(runId).length);
    const [open] = await db.sql<Array<{ n: number }>>`select count(*)::int as n from crm_sync.runs where status in ('queued', 'running')`;
    await annotate(
      `${outcomes.size} runs, ${published.filter((n) => n === 1).length} with exactly one outcome published; ${(await stack.mail()).length} emails for ${emailsSoFar} due; ${open?.n} runs left open`,
    );
    for (const [runId, expected] of outcomes) {
      if (expected.status === "succeeded") expect({ runId, completed: tap.completed(runId), failed: tap.failed(runId).length }).toEqual({ runId, completed: 1, failed: 0 });
      else expect({ runId, completed: tap.completed(runId), failed: tap.failed(runId).length }).toEqual({ runId, completed: 0, failed: 1 });
    }
    expect(await stack.mail()).toHaveLength(emailsSoFar);
    expect(open?.n).toBe(0);
  });

  // The dead sender's lease (15 s) outlives this stack's short redelivery policy, so the event
  // dead-letters; the notifier sees its email is queued, keeps flushing, and sends no DEAD LETTER
  // alert. Runs last because the held email is sent late, into whatever case would follow.
  it("kill -9 the notifier while it sends the failure email: one email, no dead-letter alert", { timeout: CASE_TIMEOUT_MS }, async ({ annotate }) => {
    await setPortal({ password: "yet-another-password-nobody-told-us" });
    const connections = stack.smtp.connections;
    stack.smtp.stall();
    await exercise(
      annotate,
      { status: "failed", code: "PORTAL_AUTH_FAILED" },
      1,
      async () => {
        await waitFor(() => stack.smtp.connections > connections, { what: "the notifier's SMTP session", intervalMs: 5 });
        await stack.kill("notifier", "SIGKILL");
        stack.smtp.resume();
        await stack.restart("notifier");
      },
      30_000,
    );
  });
});
