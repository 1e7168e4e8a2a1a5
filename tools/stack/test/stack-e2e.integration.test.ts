import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { PubSub } from "@google-cloud/pubsub";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@crm-sync/db";
import { chromiumMissing, gate, launchChromium, postgresMissing, pubsubEmulatorMissing, startOtlpReceiver, waitFor, type OtlpReceiver } from "@crm-sync/testing";
import { createTriggerClient, type RunView, type TriggerClient } from "@crm-sync/trigger-client";
import type { StackInfo } from "../src/start-stack.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const CUSTOMERS = 200;
// Where the alert emails link traces; Cloud Trace's console in the cloud (infra/), any URL here.
const TRACE_URL_TEMPLATE = "https://traces.example.test/trace?tid={traceId}";
// A caller's own trace, sent as traceparent with one sync request: the run must continue it.
const CALLER_TRACE = "5e1f0c4a9b8d7e6f5a4b3c2d1e0f9a8b";
const CALLER_SPAN = "a1b2c3d4e5f60718";
const skip =
  gate("Pub/Sub emulator", pubsubEmulatorMissing()) || gate("PostgreSQL", await postgresMissing()) || gate("Chromium", chromiumMissing());

describe.skipIf(skip)("the multi-process stack on the Pub/Sub emulator (push), Postgres, GCS test server and SMTP", () => {
  let stack: ChildProcess;
  let info: StackInfo;
  let client: TriggerClient;
  let db: Database;
  let otlp: OtlpReceiver;
  const firstRun: { view?: RunView } = {};

  let stackDir: string;

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    stackDir = await mkdtemp(join(tmpdir(), "crm-sync-e2e-"));
    stack = spawn(process.execPath, ["tools/stack/src/main.ts"], {
      cwd: root,
      // A short batch delay so spans arrive while the test waits, not seconds later.
      env: { ...process.env, STACK_DIR: stackDir, STACK_CUSTOMERS: String(CUSTOMERS), OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_BSP_SCHEDULE_DELAY: "200", TRACE_URL_TEMPLATE },
      stdio: ["ignore", "pipe", "inherit"],
    });
    info = await new Promise<StackInfo>((resolve, reject) => {
      createInterface({ input: stack.stdout! }).on("line", (line) => {
        const parsed = JSON.parse(line) as StackInfo;
        if (parsed.ready) resolve(parsed);
      });
      stack.once("exit", (code) => reject(new Error(`the stack exited with ${code} before it was ready`)));
    });
    client = createTriggerClient({ baseUrl: info.apiUrl, token: info.apiToken });
    db = await openDatabase(info.databaseUrl, { max: 1 });
  });

  afterAll(async () => {
    await db?.close();
    if (stack !== undefined && stack.exitCode === null) {
      const exited = new Promise((resolve) => stack.once("exit", resolve));
      stack.kill("SIGTERM");
      await exited;
    }
    await otlp?.stop();
    if (stackDir !== undefined) await rm(stackDir, { recursive: true, force: true });
  });

  const activeCustomers = async () => Number((await db.sql`select count(*)::int as n from crm_sync.customers where deleted_at is null`)[0]?.["n"]);

  it("prints a ready line with everything a script needs", () => {
    expect(Object.keys(info)).toEqual(expect.arrayContaining(["ready", "projectId", "emulatorHost", "dashboardUrl", "apiUrl", "apiToken", "apiRole", "databaseUrl", "smtpUrl"]));
    // The sign-in link carries the token in the fragment, which never reaches the server.
    expect(new URL(info.dashboardUrl).search).toBe("");
    expect(new URL(info.dashboardUrl).hash).toBe(`#token=${info.apiToken}`);
    expect(info.apiRole).toBe("approver");
  });

  it("completes a run started with the dashboard button, with the right counts in Postgres", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(info.dashboardUrl);
      await page.waitForFunction(() => !(document.querySelector("button#update") as HTMLButtonElement | null)?.disabled);
      expect(page.url()).not.toContain(info.apiToken);
      await page.getByRole("button", { name: "Update Customer Data" }).click();
      const started = await waitFor(async () => (await client.listRuns(1))[0], { what: "the button's run" });
      const finished = await client.waitForRun(started.runId, { intervalMs: 200, timeoutMs: 90_000 });
      expect(finished).toMatchObject({ status: "succeeded", trigger: "manual", counts: { rows: CUSTOMERS, inserted: CUSTOMERS, rejected: 0 } });
      await page.waitForFunction(() => document.querySelector("#phase")?.textContent?.trim() === "Done");
      firstRun.view = finished;
    } finally {
      await browser.close();
    }
    expect(await activeCustomers()).toBe(CUSTOMERS);
    // The run names the stack's token by its name, and the trigger's log never holds the token.
    expect(firstRun.view?.requestedBy).toBe("local-stack");
    expect(await readFile(join(info.logDir, "trigger.log"), "utf8")).not.toContain(info.apiToken);
  });

  it("carries one trace from the trigger through scraper and loader to the notifier", async () => {
    const expected = [
      "trigger: sync request",
      "scraper: scrape-requested process",
      "scraper: scraper scraping",
      "scraper: scraper uploading",
      "loader: csv-ready process",
      "loader: loader parsing",
      "loader: loader diffing",
      "loader: loader committing",
      "notifier: sync-completed process",
    ];
    const namesIn = (traceId: string) => otlp.spans.filter((span) => span.traceId === traceId).map((span) => `${span.service}: ${span.name}`);
    // Each service exports its spans in batches of its own: a span that ends late (the scrape's
    // process span ends after its stages) may arrive in a later batch than its trace's first spans.
    const traceId = await waitFor(
      () => [...new Set(otlp.spans.map((span) => span.traceId))].find((id) => expected.every((name) => namesIn(id).includes(name))),
      { what: "one trace holding the spans of every stage of all four services", timeoutMs: 30_000 },
    );
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(namesIn(traceId)).toEqual(expect.arrayContaining(expected));
  });

  it("completes a run requested by Cloud Scheduler's bare body published straight to sync-requested", async () => {
    const scheduler = new PubSub({ projectId: info.projectId, apiEndpoint: info.emulatorHost, emulatorMode: true, universeDomain: "googleapis.com" });
    try {
      await scheduler.topic("sync-requested").publishMessage({ data: Buffer.from('{"trigger":"schedule"}') });
    } finally {
      await scheduler.close();
    }
    const scheduled = await waitFor(async () => (await client.listRuns(5)).find((run) => run.trigger === "schedule"), { what: "the scheduled run" });
    const finished = await client.waitForRun(scheduled.runId, { intervalMs: 200, timeoutMs: 90_000 });
    expect(finished).toMatchObject({ status: "succeeded", counts: { rows: CUSTOMERS, unchanged: CUSTOMERS, inserted: 0, updated: 0 } });
  });

  it("replays a stored export with `crm-sync replay` (no scraping): same file, nothing changes", async () => {
    const object = firstRun.view?.sourceObject?.name;
    expect(object).toMatch(/^exports\/customers\/.+\.csv$/);
    const cli = spawn(process.execPath, ["apps/cli/bin/crm-sync.js", "replay", object ?? "", "--wait", "--json"], {
      cwd: root,
      env: { ...process.env, CRM_SYNC_API_URL: info.apiUrl, CRM_SYNC_API_TOKEN: info.apiToken },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const lines: string[] = [];
    createInterface({ input: cli.stdout! }).on("line", (line) => lines.push(line));
    expect(await new Promise((resolve) => cli.once("close", resolve))).toBe(0);
    const replayed = JSON.parse(lines.at(-1) ?? "{}") as RunView;
    expect(replayed).toMatchObject({ status: "succeeded", trigger: "replay", counts: { rows: CUSTOMERS, unchanged: CUSTOMERS, inserted: 0, updated: 0, softDeleted: 0 } });
    expect(replayed.sourceObject?.name).toBe(object);
  });

  it("emails the office once when the portal password breaks, leaves the table alone, and links the trace the services exported (the caller's, with HTTP and Postgres spans)", async () => {
    const portalPassword = "a-new-password-nobody-told-us";
    const response = await fetch(`${info.portalUrl}/__admin/config`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ password: portalPassword }),
    });
    expect(response.ok).toBe(true);
    const mailDir = info.mailDir;
    const before = await mail(mailDir);

    for (let attempt = 0; attempt < 2; attempt += 1) {
      // The first request comes from a caller with a trace of its own (the email's run).
      const { run } = attempt === 0 ? await requestSyncInTrace(info, CALLER_TRACE, CALLER_SPAN) : await client.requestSync();
      const failed = await client.waitForRun(run.runId, { intervalMs: 200, timeoutMs: 90_000 });
      expect(failed).toMatchObject({ status: "failed", error: { code: "PORTAL_AUTH_FAILED" }, destinationUntouched: true });
      // The notifier has decided about this failure once its alert state names the run.
      await waitFor(async () => (await db.sql`select 1 from crm_sync.alerts where run_id = ${run.runId}`).length > 0 || undefined, { what: "the notifier to handle the failure" });
      await waitFor(async () => (await mail(mailDir)).length > before.length || undefined, { what: "the failure email" });
    }
    const arrived = (await mail(mailDir)).slice(before.length);
    expect(arrived).toHaveLength(1);
    const email = await simpleParser(await readFile(join(mailDir, arrived[0] ?? "")));
    expect(email.subject).toContain("PORTAL_AUTH_FAILED");
    const text = `${email.subject}\n${email.text}\n${String(email.html)}`;
    expect(text).not.toContain(portalPassword);
    expect(text).not.toContain(info.apiToken);
    expect(await activeCustomers()).toBe(CUSTOMERS);

    // The email's trace link names the trace the caller started, and the services exported it:
    // the trigger's HTTP span continuing the caller's, Postgres statements, and each service on the way.
    const linked = new URL(/https:\/\/traces\.example\.test\/trace\?tid=[0-9a-f]{32}/.exec(text)?.[0] ?? "https://none.invalid").searchParams.get("tid");
    expect(linked).toBe(CALLER_TRACE);
    const expected = ["trigger", "scraper", "notifier"];
    await waitFor(
      () => {
        const spans = otlp.spans.filter((span) => span.traceId === linked);
        const ok =
          expected.every((service) => spans.some((span) => span.service === service)) &&
          spans.some((span) => span.service === "notifier" && span.attributes["db.system.name"] === "postgresql");
        return ok || undefined;
      },
      { what: "the linked trace's spans from trigger, scraper and notifier", timeoutMs: 30_000 },
    );
    const spans = otlp.spans.filter((span) => span.traceId === linked);
    const server = spans.find((span) => span.service === "trigger" && span.name === "POST /v1/syncs");
    expect(server).toMatchObject({ kind: 2, parentSpanId: CALLER_SPAN, attributes: { "http.route": "/v1/syncs", "http.response.status_code": 202 } });
    const postgres = spans.filter((span) => span.attributes["db.system.name"] === "postgresql");
    expect(new Set(postgres.map((span) => span.service))).toEqual(new Set(["trigger", "notifier"]));
    expect(postgres.every((span) => span.kind === 3 && /^[A-Z]+( [a-z_.]+)?$/.test(span.name))).toBe(true);
    // No value of the run's data in any span of it: no token, no portal password.
    expect(JSON.stringify(spans)).not.toContain(info.apiToken);
    expect(JSON.stringify(spans)).not.toContain(portalPassword);
  });

  // Last: a queued run would make a sync request above coalesce into it.
  it("sweeps a stuck run by itself, with its default in-process timer and no Scheduler", async () => {
    // Scheduler's route is off locally (no SCHEDULER_* variables): only the timer can fail this run.
    expect((await fetch(`${info.apiUrl}/v1/sweep-stage-timeouts`, { method: "POST" })).status).toBe(404);
    const runId = "run-stuck-in-queue-local";
    await db.sql`insert into crm_sync.runs (id, trigger, status, stage, requested_at, stage_changed_at)
      values (${runId}, 'manual', 'queued', 'queued', now() - interval '11 minutes', now() - interval '11 minutes')`;
    // The default SWEEP_INTERVAL is 30 s: the run is failed within one interval and a bit.
    const swept = await client.waitForRun(runId, { intervalMs: 500, timeoutMs: 60_000 });
    expect(swept).toMatchObject({ status: "failed", error: { code: "INTERNAL" } });
    expect(swept.error?.message).toContain("Stage timeout");
  });
});

/** POST /v1/syncs as a caller inside its own trace (W3C traceparent), as a traced client would. */
async function requestSyncInTrace(info: StackInfo, traceId: string, spanId: string): Promise<{ run: RunView }> {
  const response = await fetch(`${info.apiUrl}/v1/syncs`, {
    method: "POST",
    headers: { authorization: `Bearer ${info.apiToken}`, "content-type": "application/json", traceparent: `00-${traceId}-${spanId}-01` },
    body: "{}",
  });
  expect(response.status).toBe(202);
  return (await response.json()) as { run: RunView };
}

async function mail(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith(".eml")).sort();
}
