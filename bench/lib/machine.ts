import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, release, totalmem } from "node:os";
import { promisify } from "node:util";
import { CHROMIUM_PATH } from "@crm-sync/testing";
import type { Machine } from "./results.ts";

async function osName(): Promise<string> {
  const osRelease = await readFile("/etc/os-release", "utf8").catch(() => "");
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1];
  return `${pretty ?? process.platform} (kernel ${release()})`;
}

async function pgliteVersion(): Promise<string> {
  const manifest = await readFile(new URL("../../node_modules/@electric-sql/pglite/package.json", import.meta.url), "utf8").catch(() => undefined);
  return manifest === undefined ? "unknown" : String((JSON.parse(manifest) as { version?: unknown }).version ?? "unknown");
}

/** The scrape's start-up depends on the build: the headless shell opens its first page in about half the time. */
async function chromiumVersion(): Promise<string> {
  const version = await promisify(execFile)(CHROMIUM_PATH, ["--version"]).then(({ stdout }) => stdout.trim(), () => "not found");
  return `${version} at ${CHROMIUM_PATH}`;
}

/** What the figures came from: they mean little without it. */
export async function describeMachine(postgresVersion: string): Promise<Machine> {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    cores: availableParallelism(),
    ramGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: await osName(),
    nodeVersion: process.version,
    postgresVersion,
    pgliteVersion: await pgliteVersion(),
    chromium: await chromiumVersion(),
  };
}

/** 1-minute load average: other work on the machine shows up in every figure. */
export function currentLoad(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}
