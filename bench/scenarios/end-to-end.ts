import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { relative } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { waitFor } from "@crm-sync/testing";
import { repeat, summarizeBy, type RepeatPlan } from "../lib/repeat.ts";
import type { EndToEndEntry } from "../lib/results.ts";

const STACK_MAIN = fileURLToPath(new URL("../../tools/stack/src/main.ts", import.meta.url));

const StackReady = z.looseObject({ ready: z.literal(true), apiUrl: z.url(), apiToken: z.string().min(1) });
type StackReady = z.infer<typeof StackReady>;
const RunView = z.looseObject({ runId: z.string(), status: z.string(), error: z.looseObject({ code: z.string() }).nullable().optional() });
const Started = z.looseObject({ run: RunView });
const TERMINAL = new Set(["succeeded", "completed", "failed"]);

export interface EndToEndPlan extends RepeatPlan {
  customers: number;
  /** The stack's entry point (default tools/stack/src/main.ts). */
  stackMain?: string;
  startTimeoutMs: number;
  runTimeoutMs: number;
}

export function stackMissing(stackMain = STACK_MAIN): string | undefined {
  return existsSync(stackMain) ? undefined : `stack not available (${relative(process.cwd(), stackMain)} does not exist yet)`;
}

/** Starts the multi-process stack and resolves with its ready line (printed as one JSON line on stdout). */
async function startStack(stackMain: string, customers: number, timeoutMs: number): Promise<{ child: ChildProcess; ready: StackReady }> {
  // No DATABASE_URL: the stack then makes (and drops) a fresh database of its own.
  const { DATABASE_URL: _ignored, ...env } = process.env;
  // Its own process group, so a stack that will not stop can be killed with all it started, and only that.
  const child = spawn(process.execPath, [stackMain], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...env, STACK_CUSTOMERS: String(customers), LOG_LEVEL: "warn" },
  });
  let stderrTail = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderrTail = `${stderrTail}${chunk.toString()}`.slice(-8000)));
  // The last line naming an error says more than the stack trace's tail.
  const lastError = () => stderrTail.split("\n").filter((line) => /error/i.test(line)).at(-1)?.trim().slice(0, 300) ?? "no error printed";
  const lines = createInterface({ input: child.stdout! });
  const ready = new Promise<StackReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the stack was not ready within ${timeoutMs} ms: ${lastError()}`)), timeoutMs);
    lines.on("line", (line) => {
      if (!line.startsWith("{")) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return;
      }
      const result = StackReady.safeParse(parsed);
      if (!result.success) return;
      clearTimeout(timer);
      resolve(result.data);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the stack exited with ${code} before it was ready: ${lastError()}`));
    });
  });
  try {
    return { child, ready: await ready };
  } catch (error) {
    await stopStack(child);
    throw error;
  }
}

/** SIGTERM lets the stack stop its services, emulator and database in order; SIGKILL only if it hangs. */
async function stopStack(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => process.kill(-pid, "SIGKILL"), 30_000);
  await exited;
  clearTimeout(timer);
}

/** POST /v1/syncs, then poll GET /v1/syncs/<runId> until the run succeeds or fails. */
async function requestToCompleted(stack: StackReady, timeoutMs: number): Promise<{ ms: number; status: string; code: string | undefined }> {
  const headers = { authorization: `Bearer ${stack.apiToken}`, "content-type": "application/json" };
  const started = performance.now();
  const response = await fetch(`${stack.apiUrl}/v1/syncs`, { method: "POST", headers, body: JSON.stringify({ trigger: "api" }) });
  if (!response.ok) throw new Error(`POST /v1/syncs answered ${response.status}`);
  const { run } = Started.parse(await response.json());
  const final = await waitFor(
    async () => {
      const poll = await fetch(`${stack.apiUrl}/v1/syncs/${encodeURIComponent(run.runId)}`, { headers });
      if (!poll.ok) throw new Error(`GET /v1/syncs/<runId> answered ${poll.status}`);
      const view = RunView.parse(await poll.json());
      return TERMINAL.has(view.status) ? view : undefined;
    },
    { timeoutMs, intervalMs: 20, what: `run ${run.runId} to finish` },
  );
  return { ms: performance.now() - started, status: final.status, code: final.error?.code };
}

/** Request → completed on the multi-process emulator stack (`npm run stack`). */
export async function benchEndToEnd(plan: EndToEndPlan, progress: (message: string) => void): Promise<EndToEndEntry> {
  const stackMain = plan.stackMain ?? STACK_MAIN;
  const missing = stackMissing(stackMain);
  if (missing !== undefined) return { status: "skipped", customers: plan.customers, reason: missing };
  progress(`starting the stack with ${plan.customers} customers`);
  let stack: Awaited<ReturnType<typeof startStack>>;
  try {
    stack = await startStack(stackMain, plan.customers, plan.startTimeoutMs);
  } catch (error) {
    // The stack is a separate piece of work: a stack that will not start is reported, not fatal.
    return { status: "skipped", customers: plan.customers, reason: `stack did not start: ${(error as Error).message.split("\n")[0]}` };
  }
  const { child, ready } = stack;
  try {
    const { samples } = await repeat(plan, () => requestToCompleted(ready, plan.runTimeoutMs));
    const failed = samples.find((s) => s.status === "failed");
    if (failed !== undefined) return { status: "skipped", customers: plan.customers, reason: `a run failed (${failed.code ?? "no code"})` };
    const ms = summarizeBy(samples, (s) => s.ms);
    progress(`end to end ${plan.customers} customers: median ${(ms.median / 1000).toFixed(2)} s`);
    return { status: "measured", customers: plan.customers, ms, finalStatus: samples.at(-1)?.status ?? "unknown" };
  } finally {
    await stopStack(child);
  }
}
