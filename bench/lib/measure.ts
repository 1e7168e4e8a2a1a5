import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

export interface ProcessMeasurement {
  wallMs: number;
  /** Peak resident set size of the whole process, from GNU time. */
  peakRssMb: number;
  stdout: string;
  stderr: string;
  exitCode: number;
}

const GNU_TIME = "/usr/bin/time";
/** Far beyond any timed run (the slowest, the seed's method through the proxy at a million rows, took 4 minutes in a trial). */
const PROCESS_TIMEOUT_MS = 10 * 60_000;
const RSS_MARK = "__RSS_KB__";

export function gnuTimeMissing(): string | undefined {
  return existsSync(GNU_TIME) ? undefined : `${GNU_TIME} is required for memory figures (apt-get install -y time)`;
}

/**
 * Runs a command as its own process and measures it whole (start-up, parsing, I/O), the way a
 * scheduler runs it. GNU time reports the peak RSS, which Node cannot see for a child.
 */
export async function measureProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = PROCESS_TIMEOUT_MS): Promise<ProcessMeasurement> {
  const missing = gnuTimeMissing();
  if (missing !== undefined) throw new Error(missing);
  const started = process.hrtime.bigint();
  // Its own process group, so a hung run can be killed whole (GNU time and what it runs): one
  // hung process would otherwise hang the benchmark; the run fails with exit code 137 instead.
  const child = spawn(GNU_TIME, ["-f", `${RSS_MARK} %M`, command, ...args], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const timer = setTimeout(() => {
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  }, timeoutMs);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 137));
  }).finally(() => clearTimeout(timer));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const match = new RegExp(`${RSS_MARK} (\\d+)`).exec(stderr);
  const peakRssMb = match?.[1] === undefined ? Number.NaN : Number(match[1]) / 1024;
  return { wallMs, peakRssMb, stdout, stderr: stderr.replace(new RegExp(`${RSS_MARK} \\d+\\n?`), ""), exitCode };
}

/** The last line of stdout that parses as a JSON object: what the measured entry points print. */
export function lastJsonLine(measurement: Pick<ProcessMeasurement, "stdout">): unknown {
  const lines = measurement.stdout.trim().split("\n").reverse();
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    try {
      return JSON.parse(line) as unknown;
    } catch {
      // not JSON after all: keep looking
    }
  }
  throw new Error("the process printed no JSON result");
}
