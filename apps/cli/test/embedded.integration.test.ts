import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakePortal, type RunningFakePortal } from "@crm-sync/fake-qashier";
import { chromiumMissing, gate, launchChromium, waitFor } from "@crm-sync/testing";
import { RunView } from "@crm-sync/trigger-client";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = fileURLToPath(new URL("../bin/crm-sync.js", import.meta.url));
const skip = gate("Chromium", chromiumMissing());

interface Started {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first stdout line matching. */
  waitForLine(pattern: RegExp): Promise<string>;
  exited: Promise<number | null>;
}

function crmSync(args: string[], home: string, env: Record<string, string> = {}): Started {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, CRM_SYNC_HOME: home, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  child.stderr!.on("data", (chunk: Buffer) => process.stderr.write(chunk));
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  return {
    child,
    lines,
    exited,
    waitForLine: (pattern) =>
      new Promise((resolve, reject) => {
        const seen = lines.find((line) => pattern.test(line));
        if (seen !== undefined) return resolve(seen);
        waiters.push({ pattern, resolve });
        void exited.then((code) => reject(new Error(`crm-sync exited (${code}) before printing ${pattern}; output:\n${lines.join("\n")}`)));
      }),
  };
}

describe.skipIf(skip)("crm-sync start (embedded: in-memory bus, PGlite, files, demo portal)", () => {
  const home = mkdtempSync(join(tmpdir(), "crm-sync-home-"));

  it("prints the dashboard and token, syncs on start-up, serves a working button, stops on Ctrl-C", async () => {
    const app = crmSync(["start", "--port", "0", "--customers", "300"], home);
    const dashboardLine = await app.waitForLine(/Dashboard\s+http/);
    // The token rides in the fragment, which a browser never sends to the server.
    const dashboard = /(http:\/\/127\.0\.0\.1:\d+\/)#token=(\S+)/.exec(dashboardLine);
    expect(dashboard).not.toBeNull();
    const [, baseUrl = "", token = ""] = dashboard ?? [];
    const first = await app.waitForLine(/run \S+ (succeeded|failed)/);
    expect(first).toMatch(/succeeded.*300 rows — 300 new, 0 updated, 0 unchanged, 0 removed, 0 returned, 0 rejected/);

    const listRuns = async () => {
      const body = (await (await fetch(`${baseUrl}v1/syncs?limit=5`, { headers: { authorization: `Bearer ${token}` } })).json()) as { runs: unknown[] };
      return body.runs.map((run) => RunView.parse(run));
    };
    // The API refuses callers without the printed token.
    expect((await fetch(`${baseUrl}v1/syncs`)).status).toBe(401);

    // Staff press the button in a real browser; the page shows the run finish.
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${baseUrl}#token=${token}`);
      const button = page.getByRole("button", { name: "Update Customer Data" });
      await page.waitForFunction(() => !(document.querySelector("button#update") as HTMLButtonElement | null)?.disabled);
      expect(page.url()).not.toContain(token);
      await button.click();
      await waitFor(async () => {
        const listed = (await listRuns()).filter((run) => run.status === "succeeded");
        return listed.length === 2;
      }, { what: "the button's run to finish", timeoutMs: 60_000 });
      await page.waitForFunction(() => document.querySelector("#phase")?.textContent?.trim() === "Done");
    } finally {
      await browser.close();
    }
    const views = await listRuns();
    expect(views.map((run) => run.status)).toEqual(["succeeded", "succeeded"]);
    expect(views[0]?.counts).toMatchObject({ rows: 300, unchanged: 300, inserted: 0 });

    app.child.kill("SIGINT");
    expect(await app.exited).toBe(0);
    expect(app.lines.at(-1)).toMatch(/^Stopped\. Data kept in /);
  });

  it("keeps the data and the token across a restart, and refuses a second process on the same data", async () => {
    const app = crmSync(["start", "--port", "0", "--customers", "300", "--no-initial-sync"], home);
    const dashboardLine = await app.waitForLine(/Dashboard\s+http/);
    const second = crmSync(["run", "--customers", "300"], home);
    expect(await second.exited).toBe(2);
    const [, baseUrl = "", token = ""] = /(http:\/\/127\.0\.0\.1:\d+\/)#token=(\S+)/.exec(dashboardLine) ?? [];
    const response = await fetch(`${baseUrl}v1/freshness`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ customerCount: 300, stale: false });
    app.child.kill("SIGTERM");
    expect(await app.exited).toBe(0);
  });
});

describe.skipIf(skip)("crm-sync run", () => {
  let portal: RunningFakePortal;
  beforeAll(async () => {
    portal = await startFakePortal({ username: "office", password: "right-password", customers: { seed: 7, count: 50 } });
  });
  afterAll(async () => {
    await portal.stop();
  });

  it("syncs once to completion and prints the finished run as JSON, exit 0", async () => {
    const home = mkdtempSync(join(tmpdir(), "crm-sync-run-"));
    const run = crmSync(["run", "--json", "--customers", "40"], home);
    expect(await run.exited).toBe(0);
    const finished = RunView.parse(JSON.parse(run.lines.at(-1) ?? "{}"));
    expect(finished).toMatchObject({ status: "succeeded", phase: "done", counts: { rows: 40, inserted: 40 } });
    expect(readdirSync(join(home, "exports"), { recursive: true }).some((name) => String(name).endsWith(".csv"))).toBe(true);
  });

  it("exits 1 with the failure when the portal refuses the password, and writes an alert email", async () => {
    const home = mkdtempSync(join(tmpdir(), "crm-sync-run-"));
    const run = crmSync(["run", "--portal-url", portal.url], home, { QASHIER_USERNAME: "office", QASHIER_PASSWORD: "old-password" });
    expect(await run.exited).toBe(1);
    expect(run.lines.at(-1)).toMatch(/failed at scraping: PORTAL_AUTH_FAILED .*the customer table was not touched/);
    expect(run.lines.join("\n")).not.toContain("old-password");
    expect(readdirSync(join(home, "outbox")).filter((name) => name.endsWith(".eml"))).toHaveLength(1);
  });
});
