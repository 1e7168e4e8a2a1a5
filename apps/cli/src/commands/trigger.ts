import { Command } from "commander";
import { z } from "zod";
import { ConfigError, parseEnv } from "@crm-sync/config";
import { ErrorCode } from "@crm-sync/contracts";
import { SyncError } from "@crm-sync/errors";
import { createTriggerClient, TriggerClientError, type RunView, type TriggerClient } from "@crm-sync/trigger-client";
import { describeRun } from "../describe-run.ts";

const ApiEnv = z.object({
  CRM_SYNC_API_URL: z.url(),
  CRM_SYNC_API_TOKEN: z.string().min(1),
});

/** The trigger API client from CRM_SYNC_API_URL and CRM_SYNC_API_TOKEN (shared with `status`). */
export function triggerClientFromEnv(env: Record<string, string | undefined> = process.env): TriggerClient {
  let parsed;
  try {
    parsed = parseEnv(ApiEnv, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new SyncError("INTERNAL", `Point the CLI at a running system: ${error.problems.join("; ")}.`);
  }
  return createTriggerClient({ baseUrl: parsed.CRM_SYNC_API_URL, token: parsed.CRM_SYNC_API_TOKEN });
}

/** API refusals become the CLI's one error shape; the token is never part of the message. */
export async function callApi<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TriggerClientError && error.code === "ROLE_REQUIRED") {
      // The message names the role needed; say where such a token comes from.
      throw new SyncError("INTERNAL", `The crm-sync trigger API refused the request (ROLE_REQUIRED, HTTP 403): ${error.message} Set CRM_SYNC_API_TOKEN to a token of that role (the trigger's API_APPROVER_TOKENS for approver).`, { cause: error });
    }
    if (error instanceof TriggerClientError) {
      throw new SyncError("INTERNAL", `The crm-sync trigger API refused or failed the request (${error.code}${error.status > 0 ? `, HTTP ${error.status}` : ""}): ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** A failed run ends the command like any CLI error: code on stderr, non-zero exit. */
export function finishWith(run: RunView, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(run)}\n` : `${describeRun(run)}\n`);
  if (run.status === "failed") {
    const code = ErrorCode.safeParse(run.error?.code);
    process.stderr.write(`${code.success ? code.data : "INTERNAL"}: ${run.error?.message ?? "The run failed."}\n`);
    process.exitCode = 1;
  }
}

interface TriggerOptions {
  wait?: boolean;
  json?: boolean;
  interval: number;
  timeout: number;
}

/** `crm-sync trigger [--wait] [--json]`: start a sync on a running system (or join the active one). */
export function triggerCommand(): Command {
  return new Command("trigger")
    .description("Start a customer sync on a running system via CRM_SYNC_API_URL / CRM_SYNC_API_TOKEN (joins the active run if there is one)")
    .option("--wait", "wait until the run has finished; exit non-zero if it failed")
    .option("--json", "print the run as JSON")
    .option("--interval <ms>", "how often --wait checks the run", (value) => Number.parseInt(value, 10), 2000)
    .option("--timeout <ms>", "how long --wait waits", (value) => Number.parseInt(value, 10), 60 * 60_000)
    .action(async (options: TriggerOptions) => {
      const client = triggerClientFromEnv();
      const json = options.json ?? false;
      const { run, coalesced } = await callApi(() => client.requestSync({ trigger: "api" }));
      if (!options.wait) {
        process.stdout.write(json ? `${JSON.stringify({ run, coalesced })}\n` : `${coalesced ? "Joined the active run" : "Started"} ${describeRun(run)}\n`);
        return;
      }
      if (!json) process.stderr.write(`${coalesced ? "Joined the active run" : "Started"} ${run.runId}\n`);
      let lastPhase = "";
      const finished = await callApi(() =>
        client.waitForRun(run.runId, {
          intervalMs: options.interval,
          timeoutMs: options.timeout,
          onUpdate: (update) => {
            if (!json && update.phase !== lastPhase && process.stderr.isTTY) process.stderr.write(`${describeRun(update)}\n`);
            lastPhase = update.phase;
          },
        }),
      );
      finishWith(finished, json);
    });
}
