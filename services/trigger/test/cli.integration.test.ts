import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileBlobStore } from "@crm-sync/blob";
import { makeEvent } from "@crm-sync/contracts";
import { RunView, StartResponse } from "@crm-sync/trigger-client";
import { waitFor } from "@crm-sync/testing";
import { API_TOKEN, OPERATOR_TOKEN, startTrigger, type RunningTrigger } from "./support/start-trigger.ts";

const CLI = fileURLToPath(new URL("../../../apps/cli/bin/crm-sync.js", import.meta.url));

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `crm-sync …` as a user would, with only the given environment. */
function crmSync(args: string[], env: Record<string, string>): { done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env["PATH"] ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return { done: new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr }))) };
}

const counts = { rows: 4, inserted: 1, updated: 1, unchanged: 2, softDeleted: 0, revived: 0, rejected: 0 };

describe("crm-sync trigger / status against a running trigger", () => {
  let t: RunningTrigger;
  let env: Record<string, string>;
  const requested: string[] = [];

  beforeAll(async () => {
    t = await startTrigger();
    env = { CRM_SYNC_API_URL: t.url, CRM_SYNC_API_TOKEN: API_TOKEN };
    await t.bus.subscribe("scrape-requested", "test-scraper.scrape-requested", async ({ event }) => {
      requested.push(event.runId);
      return "ack";
    });
  });
  afterAll(async () => t.close());

  it("trigger --json starts a run; status <runId> --json shows it", async () => {
    const started = await crmSync(["trigger", "--json"], env).done;
    expect(started.code).toBe(0);
    const { run, coalesced } = StartResponse.parse(JSON.parse(started.stdout));
    expect(coalesced).toBe(false);
    expect(run).toMatchObject({ status: "queued", trigger: "api" });

    const status = await crmSync(["status", run.runId, "--json"], env).done;
    expect(status.code).toBe(0);
    expect(RunView.parse(JSON.parse(status.stdout))).toMatchObject({ runId: run.runId, status: "queued" });
    await t.bus.publish(makeEvent("sync-completed", run.runId, { counts, durationMs: 5 }));
    await t.drain();
  });

  it("trigger --wait --json waits for the outcome and exits non-zero with the code when the run fails", async () => {
    const before = requested.length;
    const waiting = crmSync(["trigger", "--wait", "--json", "--interval", "100"], env);
    const runId = await waitFor(() => requested[before], { what: "the CLI's scrape-requested" });
    await t.bus.publish(
      makeEvent("sync-failed", runId, {
        stage: "scraping",
        code: "PORTAL_UNAVAILABLE",
        retryable: true,
        message: "The Qashier portal did not answer.",
        destinationUntouched: true,
        artifacts: [],
        attempt: 1,
      }),
    );
    const result = await waiting.done;
    expect(result.code).toBe(1);
    expect(RunView.parse(JSON.parse(result.stdout))).toMatchObject({ runId, status: "failed", error: { code: "PORTAL_UNAVAILABLE" } });
    expect(result.stderr).toContain("PORTAL_UNAVAILABLE: The Qashier portal did not answer.");
  });

  it("status lists recent runs with freshness, and refuses a wrong token without printing it", async () => {
    const listed = await crmSync(["status"], env).done;
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("Last successful sync:");
    expect(listed.stdout).toContain("PORTAL_UNAVAILABLE");

    const refused = await crmSync(["status", "--json"], { ...env, CRM_SYNC_API_TOKEN: "definitely-wrong-token" }).done;
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/^INTERNAL: .*UNAUTHENTICATED/);
    expect(refused.stderr + refused.stdout).not.toContain("definitely-wrong-token");

    const unset = await crmSync(["status"], {}).done;
    expect(unset.code).not.toBe(0);
    expect(unset.stderr).toContain("CRM_SYNC_API_URL");
  });
});

describe("crm-sync replay with an operator's and an approver's token", () => {
  const HEADER = '\uFEFF"Store","Customer","Contact Number","Address","Email","Date of Birth","Date Joined","Available Credit","Available Point","Source","SMS PDPA","Email PDPA"';
  const OLDER = "exports/customers/2026/12/01/run-20261201T190000Z-dddddd.csv";
  const LATEST = "exports/customers/2026/12/02/run-20261202T190000Z-eeeeee.csv";
  let t: RunningTrigger;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cli-replay-"));
    const blobs = new FileBlobStore({ root: dir, bucket: "exports" });
    for (const name of [OLDER, LATEST]) {
      const info = await blobs.put(name, Buffer.from(`${HEADER}\n"LENGOLF","Test Person","0812345678","","","","01/01/2024","0.00","0.00","Others","No","No"`), { contentType: "text/csv" });
      await waitFor(() => Date.now() > Date.parse(info.createdAt), { what: "the clock to pass the export's creation time" });
    }
    t = await startTrigger({ blobs });
    env = { CRM_SYNC_API_URL: t.url };
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function replayed(token: string, object: string): Promise<CliResult> {
    const result = await crmSync(["replay", object, "--json"], { ...env, CRM_SYNC_API_TOKEN: token }).done;
    if (result.code === 0) {
      const run = RunView.parse(JSON.parse(result.stdout));
      await t.drain();
      await t.bus.publish(makeEvent("sync-completed", run.runId, { counts: { ...counts, rows: 1, updated: 0, unchanged: 1, inserted: 0 }, durationMs: 5 }));
      await t.drain();
    }
    return result;
  }

  it("lets an operator replay the latest export, refuses an older one naming the approver role, and lets an approver replay it", async () => {
    expect((await replayed(OPERATOR_TOKEN, LATEST)).code).toBe(0);
    const refused = await replayed(OPERATOR_TOKEN, OLDER);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/^INTERNAL: .*ROLE_REQUIRED, HTTP 403\): Replaying an export older than the last one loaded .* needs the approver role; these credentials have the operator role\./);
    expect(refused.stderr).toContain("API_APPROVER_TOKENS");
    expect(refused.stderr + refused.stdout).not.toContain(OPERATOR_TOKEN);
    expect((await replayed(API_TOKEN, OLDER)).code).toBe(0);
  });
});
