import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEvent } from "@crm-sync/contracts";
import { RunView, StartResponse } from "@crm-sync/trigger-client";
import { waitFor } from "@crm-sync/testing";
import { API_TOKEN, startTrigger, type RunningTrigger } from "./support/start-trigger.ts";

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
    await t.bus.subscribe("sync-requested", "test-scraper.sync-requested", async ({ event }) => {
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
    const runId = await waitFor(() => requested[before], { what: "the CLI's sync-requested" });
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
