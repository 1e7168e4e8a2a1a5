import { Command } from "commander";
import { callApi, finishWith, triggerClientFromEnv } from "./trigger.ts";

interface ReplayOptions {
  wait?: boolean;
  json?: boolean;
}

/** `crm-sync replay <object>`: re-load a stored export on a running system, without scraping. */
export function replayCommand(): Command {
  return new Command("replay")
    .description("Load a stored export again as a new run, without scraping (via CRM_SYNC_API_URL / CRM_SYNC_API_TOKEN); only CSV names under exports/")
    .argument("<object>", "the export's object name, e.g. exports/customers/2026/11/27/run-….csv (see a run's sourceObject)")
    .option("--wait", "wait until the run has finished; exit non-zero if it failed")
    .option("--json", "print the run as JSON")
    .action(async (object: string, options: ReplayOptions) => {
      const client = triggerClientFromEnv();
      const json = options.json ?? false;
      const { run } = await callApi(() => client.replay(object));
      if (!options.wait) {
        process.stdout.write(json ? `${JSON.stringify(run)}\n` : `Replaying ${object} as run ${run.runId}\n`);
        return;
      }
      finishWith(await callApi(() => client.waitForRun(run.runId, { intervalMs: 500 })), json);
    });
}
