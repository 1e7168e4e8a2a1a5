import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { freePort } from "./free-port.ts";
import { waitFor } from "./wait-for.ts";

export const PUBSUB_EMULATOR_BIN =
  process.env["PUBSUB_EMULATOR_BIN"] ?? "/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator";

export function pubsubEmulatorMissing(): string | undefined {
  return existsSync(PUBSUB_EMULATOR_BIN) ? undefined : `no emulator at ${PUBSUB_EMULATOR_BIN}`;
}

export interface PubSubEmulator {
  host: string;
  projectId: string;
  /**
   * Freezes (SIGSTOP) or thaws (SIGCONT) the emulator's processes: publishes and pushes hang
   * meanwhile, so a fault test can catch a service between two steps. Only a private emulator
   * can be frozen; a shared one throws.
   */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

/**
 * The real Google Pub/Sub emulator for one suite. When PUBSUB_EMULATOR_HOST points at a running
 * emulator (CI starts one), the suite shares it under its own project id, which the emulator
 * keeps fully separate; otherwise a private emulator starts on a free port.
 */
export async function startPubSubEmulator(
  projectId = `crm-sync-${randomBytes(4).toString("hex")}`,
  options: { /** Start a private emulator even when a shared one is set (a suite that freezes it needs its own). */ private?: boolean } = {},
): Promise<PubSubEmulator> {
  const shared = process.env["PUBSUB_EMULATOR_HOST"];
  if (options.private !== true && shared !== undefined && shared !== "" && (await answers(shared))) {
    return {
      host: shared,
      projectId,
      freeze: () => {
        throw new Error("a shared Pub/Sub emulator (PUBSUB_EMULATOR_HOST) cannot be frozen; start a private one");
      },
      // Never frozen, so always thawed.
      thaw: () => {},
      stop: async () => {},
    };
  }
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const child: ChildProcess = spawn(PUBSUB_EMULATOR_BIN, [`--host=127.0.0.1`, `--port=${port}`], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`emulator exited: ${output}`);
        const response = await fetch(`http://${host}/`);
        return response.ok;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: "the Pub/Sub emulator" },
    );
  } catch (error) {
    killGroup(child);
    throw error;
  }
  return {
    host,
    projectId,
    freeze: () => signalGroup(child, "SIGSTOP"),
    thaw: () => signalGroup(child, "SIGCONT"),
    async stop() {
      killGroup(child);
      await exited;
    },
  };
}

async function answers(host: string): Promise<boolean> {
  try {
    return (await fetch(`http://${host}/`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null) throw new Error("the Pub/Sub emulator is not running");
  process.kill(-child.pid, signal);
}

function killGroup(child: ChildProcess): void {
  // The launcher script starts a JVM child: kill the whole process group.
  if (child.pid !== undefined && child.exitCode === null) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      child.kill("SIGKILL");
    }
  }
}
