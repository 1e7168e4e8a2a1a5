import { Command } from "commander";
import { RunId } from "@crm-sync/contracts";
import { SyncError } from "@crm-sync/errors";
import { describeRun } from "../describe-run.ts";
import { callApi, finishWith, triggerClientFromEnv } from "./trigger.ts";

interface StatusOptions {
  json?: boolean;
  limit: number;
}

/** `crm-sync status [runId] [--json]`: one run, or the recent runs and how fresh the data is. */
export function statusCommand(): Command {
  return new Command("status")
    .description("Show a run (or the recent runs and data freshness) from a running system via CRM_SYNC_API_URL / CRM_SYNC_API_TOKEN")
    .argument("[runId]", "the run to show")
    .option("--json", "print JSON")
    .option("--limit <n>", "how many recent runs", (value) => Number.parseInt(value, 10), 10)
    .action(async (runId: string | undefined, options: StatusOptions) => {
      const client = triggerClientFromEnv();
      const json = options.json ?? false;
      if (runId !== undefined) {
        if (!RunId.safeParse(runId).success) throw new SyncError("INVALID_MESSAGE", "That is not a valid run id.");
        const run = await callApi(() => client.getRun(runId));
        finishWith(run, json);
        return;
      }
      const [runs, freshness] = await callApi(() => Promise.all([client.listRuns(options.limit), client.freshness()]));
      if (json) {
        process.stdout.write(`${JSON.stringify({ freshness, runs })}\n`);
        return;
      }
      const age = freshness.ageSeconds === null ? "never" : `${Math.round(freshness.ageSeconds / 3600)} h ago`;
      process.stdout.write(
        `Last successful sync: ${freshness.lastSuccessAt ?? "never"} (${age})${freshness.stale ? " — STALE" : ""}; ${freshness.customerCount} active customers\n`,
      );
      for (const run of runs) process.stdout.write(`${run.requestedAt}  ${run.trigger.padEnd(8)} ${describeRun(run)}\n`);
    });
}
