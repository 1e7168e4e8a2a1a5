import { describeRun } from "../describe-run.ts";
import { homeDirectory, openEmbeddedHome } from "./embedded-home.ts";
import { startEmbeddedSystem } from "./embedded-system.ts";
import { portalFromFlags } from "./portal-from-flags.ts";

export interface RunOnceOptions {
  portalUrl?: string;
  json?: boolean;
  customers: number;
}

/** Returns the exit code: 0 only when the run succeeded. */
export async function runOnce(options: RunOnceOptions): Promise<number> {
  const home = await openEmbeddedHome(homeDirectory());
  const portal = portalFromFlags(options.portalUrl);
  const system = await startEmbeddedSystem({ home, port: 0, demoCustomers: options.customers, ...(portal === undefined ? {} : { portal }) });
  try {
    const { run } = await system.client.requestSync({ trigger: "api" });
    const progress = process.stderr.isTTY ? (line: string) => process.stderr.write(`\r\u001b[K${line}`) : undefined;
    const finished = await system.client.waitForRun(run.runId, { intervalMs: 200, onUpdate: (view) => progress?.(describeRun(view)) });
    if (progress !== undefined) process.stderr.write("\r\u001b[K");
    process.stdout.write(options.json === true ? `${JSON.stringify(finished)}\n` : `${describeRun(finished)}\n`);
    return finished.status === "succeeded" ? 0 : 1;
  } finally {
    await system.stop();
  }
}
