import { once } from "node:events";
import type { RunView } from "@crm-sync/trigger-client";
import { describeRun } from "../describe-run.ts";
import { homeDirectory, openEmbeddedHome } from "./embedded-home.ts";
import { startEmbeddedSystem } from "./embedded-system.ts";
import { portalFromFlags } from "./portal-from-flags.ts";

export interface RunStartOptions {
  port: number;
  customers: number;
  portalUrl?: string;
  initialSync: boolean;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

export async function runStart(options: RunStartOptions): Promise<void> {
  const home = await openEmbeddedHome(homeDirectory());
  const portal = portalFromFlags(options.portalUrl);
  const system = await startEmbeddedSystem({ home, port: options.port, demoCustomers: options.customers, ...(portal === undefined ? {} : { portal }) });
  say("crm-sync is running (embedded: in-memory bus, PGlite, files)");
  // The token rides in the fragment: a browser never sends it to the server, so no request log keeps it.
  say(`  Dashboard   ${system.dashboardUrl}#token=${system.apiToken}`);
  say(`  API         ${system.apiUrl}  (Authorization: Bearer ${system.apiToken}; role approver: a local install has one user)`);
  say(`  Portal      ${system.portalUrl}${system.demoPortal === undefined ? "" : ` (demo, ${options.customers} synthetic customers)`}`);
  say(`  Data        ${home.root}  (database, exports, outbox/*.eml alert emails, crm-sync.log)`);
  say("Press Ctrl-C to stop.");

  const reporter = reportRunChanges(system.client.listRuns.bind(system.client));
  if (options.initialSync) {
    const { run, coalesced } = await system.client.requestSync({ trigger: "manual" });
    say(`${coalesced ? "A sync was already running" : "First sync started"}: run ${run.runId}`);
  }
  const signal = await Promise.race([once(process, "SIGINT"), once(process, "SIGTERM")]);
  say(`\nStopping (${String(signal[0] ?? "signal")})…`);
  reporter.stop();
  await system.stop();
  say("Stopped. Data kept in " + home.root);
}

/** Prints each run's progress once per change, for whoever watches the terminal. */
function reportRunChanges(listRuns: (limit: number) => Promise<RunView[]>): { stop(): void } {
  const seen = new Map<string, string>();
  let first = true;
  const tick = async () => {
    const runs = await listRuns(5).catch(() => []);
    for (const run of runs.reverse()) {
      const line = describeRun(run);
      if (seen.get(run.runId) === line) continue;
      seen.set(run.runId, line);
      // Runs finished before this start are history, not news.
      if (!(first && (run.status === "succeeded" || run.status === "failed"))) say(`  ${line}`);
    }
    first = false;
  };
  const timer = setInterval(() => void tick(), 1_000);
  void tick();
  return { stop: () => clearInterval(timer) };
}
