import { Command } from "commander";
import { count } from "./start.ts";

interface RunOptions {
  portalUrl?: string;
  json?: boolean;
  customers: number;
}

/** `crm-sync run`: one full sync, in-process, to completion. */
export function runCommand(): Command {
  return new Command("run")
    .description("Run one full sync in-process (scrape → load → notify) and print the finished run; exit 0 only on success")
    .option("--portal-url <url>", "the portal to export from (credentials from QASHIER_USERNAME / QASHIER_PASSWORD); default: the demo portal")
    .option("--customers <n>", "customers in the demo portal", count, 1_000)
    .option("--json", "print the finished run as JSON")
    .action(async (options: RunOptions) => {
      const { runOnce } = await import("../embedded/run-once.ts");
      process.exitCode = await runOnce(options);
    });
}
