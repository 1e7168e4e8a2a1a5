import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { fileURLToPath } from "node:url";
import { SERVICE_NODE_OPTIONS } from "@crm-sync/config";

export interface ServiceProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** SIGTERM, then the exit code (SIGKILL after the grace period). */
  stop(graceMs?: number): Promise<number | null>;
  /** Sends `signal` (a crash: SIGKILL) and resolves once the process has exited and its log is flushed. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Starts `services/<name>/src/index.ts` on Node with its env; its JSON logs go to `logFile`. */
export async function startServiceProcess(name: string, port: number, env: Record<string, string>, logFile: string): Promise<ServiceProcess> {
  const log = createWriteStream(logFile, { flags: "a" });
  const child = spawn(process.execPath, [`services/${name}/src/index.ts`], {
    cwd: ROOT,
    // NODE_OPTIONS as the images set it, so the stack's memory figures are production's.
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", NODE_OPTIONS: SERVICE_NODE_OPTIONS, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Both pipes feed one file, so neither may end it; it ends once the process and both pipes have
  // closed. `kill` and `stop` wait for that: afterwards every line the process wrote is in the
  // file, and whatever follows comes from the next process (the fault tests read it that way).
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => log.end(() => resolve(code))));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(name, url, exited, logFile);
  return {
    name,
    url,
    child,
    async stop(graceMs = 10_000) {
      if (gone()) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill(signal) {
      if (gone()) return;
      child.kill(signal);
      await exited;
    },
  };
}

async function waitHealthy(name: string, url: string, exited: Promise<number | null>, logFile: string): Promise<void> {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`${name} exited with ${gone} while starting; see ${logFile}`);
    const healthy = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not become healthy within 60 s; see ${logFile}`);
}
