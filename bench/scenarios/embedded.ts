import { spawn } from "node:child_process";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { SyncCounts } from "@crm-sync/contracts";
import { createTriggerClient } from "@crm-sync/trigger-client";
import { exportFile } from "../lib/data-files.ts";
import { currentLoad } from "../lib/machine.ts";
import { lastJsonLine, measureProcess } from "../lib/measure.ts";
import { repeat, summarizeBy, type RepeatPlan } from "../lib/repeat.ts";
import type { CliLoadEntry, EmbeddedResults, StartEntry } from "../lib/results.ts";
import { primePglite } from "./load-stores.ts";

const CLI = fileURLToPath(new URL("../../apps/cli/bin/crm-sync.js", import.meta.url));

export interface EmbeddedPlan {
  /** `crm-sync load` into a copy of a PGlite directory holding the base export, this share changed. */
  load: { sizes: readonly (RepeatPlan & { rows: number })[]; changeRatio: number };
  /**
   * `crm-sync start` with this many demo customers, on a new home (the first start ever: it makes
   * the database) and on an existing one (every start after: a copy of a home one untimed start
   * and sync made); null leaves it out.
   */
  start: (RepeatPlan & { customers: number; homes: readonly StartEntry["home"][]; timeoutMs: number }) | null;
}

type Progress = (message: string) => void;

/**
 * The executable as a user's shell runs it (`npx crm-sync`, `npm start`): through its `#!` line,
 * so with its own Node flags, and with the compile cache it keeps itself (no NODE_COMPILE_CACHE
 * here: the warm-up run fills the cache, as a user's first run does). The bench's Node comes
 * first on PATH, for `env` on that line to find.
 */
function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { NODE_COMPILE_CACHE: _cache, NODE_OPTIONS: _options, ...env } = process.env;
  return { ...env, PATH: `${dirname(process.execPath)}:${env["PATH"] ?? ""}`, ...extra };
}

/** The counts `crm-sync load` prints, without the rest of its line (rejects, sha256, …). */
const LoadOutput = z.object(SyncCounts.shape);

async function benchCliLoads(dataDir: string, plan: EmbeddedPlan["load"], progress: Progress): Promise<CliLoadEntry[]> {
  const entries: CliLoadEntry[] = [];
  for (const size of plan.sizes) {
    const [base, changed] = await Promise.all([exportFile(dataDir, size.rows, 0), exportFile(dataDir, size.rows, plan.changeRatio)]);
    progress(`crm-sync load on PGlite: preparing ${size.rows} rows`);
    const primed = await primePglite(base);
    try {
      const { samples, last } = await repeat(size, async () => {
        const fresh = await primed.fresh();
        try {
          const run = await measureProcess(CLI, ["load", "--database-url", fresh.url, "--file", changed.path, "--run-id", `bench-cli-${Date.now()}`], cliEnv());
          if (run.exitCode !== 0) throw new Error(`crm-sync load exited with ${run.exitCode}:\n${run.stderr.trim().split("\n").slice(-5).join("\n")}`);
          const counts = LoadOutput.parse(lastJsonLine(run));
          return { wallMs: run.wallMs, peakRssMb: run.peakRssMb, counts };
        } finally {
          await fresh.dispose();
        }
      });
      const wallMs = summarizeBy(samples, (s) => s.wallMs);
      progress(`crm-sync load on PGlite, ${size.rows} rows: median ${(wallMs.median / 1000).toFixed(2)} s, peak RSS ${summarizeBy(samples, (s) => s.peakRssMb).median.toFixed(0)} MB`);
      entries.push({
        status: "measured",
        rows: size.rows,
        changeRatio: plan.changeRatio,
        wallMs,
        peakRssMb: summarizeBy(samples, (s) => s.peakRssMb),
        counts: last.counts,
        loadAverage: currentLoad(),
      });
    } finally {
      await primed.dispose();
    }
  }
  return entries;
}

/** VmRSS and VmHWM of a running process, in MB (Linux). */
async function residentMb(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

const newHome = () => mkdtemp(join(tmpdir(), "crm-sync-bench-home-"));

/** One `crm-sync start` on `home`: launch, wait for its first sync, read its memory, stop it. */
async function startOnce(plan: NonNullable<EmbeddedPlan["start"]>, home: string): Promise<{ firstSyncMs: number; rss: number; peak: number }> {
  const started = performance.now();
  // Its own process group, so a start that will not stop can be killed with the browser it runs.
  const child = spawn(CLI, ["start", "--port", "0", "--customers", String(plan.customers)], { env: cliEnv({ CRM_SYNC_HOME: home }), stdio: ["ignore", "pipe", "pipe"], detached: true });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr = `${stderr}${chunk.toString()}`.slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  const killer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, "SIGKILL"), plan.timeoutMs);
  try {
    const lines = createInterface({ input: child.stdout });
    const ready = new Promise<{ apiUrl: string; token: string; runId: string }>((resolve, reject) => {
      const seen: { apiUrl?: string; token?: string } = {};
      lines.on("line", (line) => {
        const dashboard = /Dashboard\s+(http:\/\/\S+?)\/#token=(\S+)/.exec(line);
        if (dashboard !== null) Object.assign(seen, { apiUrl: dashboard[1], token: dashboard[2] });
        const first = /First sync started: run (\S+)/.exec(line);
        if (first?.[1] !== undefined && seen.apiUrl !== undefined && seen.token !== undefined) resolve({ apiUrl: seen.apiUrl, token: seen.token, runId: first[1] });
      });
      void exited.then((code) => reject(new Error(`crm-sync start exited (${code}) before its first sync started: ${stderr.trim().split("\n").at(-1) ?? ""}`)));
    });
    const { apiUrl, token, runId } = await ready;
    const client = createTriggerClient({ baseUrl: apiUrl, token });
    const run = await client.waitForRun(runId, { intervalMs: 100, timeoutMs: plan.timeoutMs });
    const firstSyncMs = performance.now() - started;
    if (run.status !== "succeeded") throw new Error(`crm-sync start's first sync ${run.status}`);
    if (child.pid === undefined) throw new Error("crm-sync start has no pid");
    const memory = await residentMb(child.pid);
    return { firstSyncMs, ...memory };
  } finally {
    child.kill("SIGTERM");
    await exited;
    clearTimeout(killer);
  }
}

/** Each run on a home of its own: a new one, or a copy of one an untimed start and sync made. */
async function homesFor(plan: NonNullable<EmbeddedPlan["start"]>, home: StartEntry["home"]): Promise<{ next(): Promise<string>; dispose(): Promise<void> }> {
  if (home === "new") return { next: newHome, dispose: async () => {} };
  const primed = await newHome();
  try {
    await startOnce(plan, primed);
  } catch (error) {
    await rm(primed, { recursive: true, force: true });
    throw error;
  }
  return {
    async next() {
      const copy = await newHome();
      await cp(primed, copy, { recursive: true });
      return copy;
    },
    dispose: () => rm(primed, { recursive: true, force: true }),
  };
}

async function benchStart(plan: NonNullable<EmbeddedPlan["start"]>, home: StartEntry["home"], progress: Progress): Promise<StartEntry> {
  progress(`crm-sync start on ${home === "new" ? "a new" : "an existing"} home with ${plan.customers} demo customers`);
  const homes = await homesFor(plan, home);
  try {
    const { samples } = await repeat(plan, async () => {
      const dir = await homes.next();
      try {
        return await startOnce(plan, dir);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
    const rssAfterFirstSyncMb = summarizeBy(samples, (s) => s.rss);
    progress(`crm-sync start on ${home === "new" ? "a new" : "an existing"} home: first sync after ${(summarizeBy(samples, (s) => s.firstSyncMs).median / 1000).toFixed(2)} s, then ${rssAfterFirstSyncMb.median.toFixed(0)} MB RSS (median)`);
    return {
      status: "measured",
      customers: plan.customers,
      home,
      firstSyncMs: summarizeBy(samples, (s) => s.firstSyncMs),
      rssAfterFirstSyncMb,
      peakRssMb: summarizeBy(samples, (s) => s.peak),
      loadAverage: currentLoad(),
    };
  } finally {
    await homes.dispose();
  }
}

/** The embedded mode's processes: `crm-sync load` on PGlite, and `crm-sync start` (skipped, with the reason, where Chromium is missing). */
export async function benchEmbedded(dataDir: string, plan: EmbeddedPlan, noChromium: string | undefined, progress: Progress): Promise<EmbeddedResults> {
  const load = await benchCliLoads(dataDir, plan.load, progress);
  const start: StartEntry[] = [];
  for (const home of plan.start?.homes ?? []) {
    if (plan.start === null) break;
    start.push(noChromium === undefined ? await benchStart(plan.start, home, progress) : { status: "skipped", customers: plan.start.customers, home, reason: noChromium });
  }
  return { load, start };
}
