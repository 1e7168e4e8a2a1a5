import { Command } from "commander";
import { scrapeCommand } from "./commands/scrape.ts";
import { loadCommand } from "./commands/load.ts";
import { triggerCommand } from "./commands/trigger.ts";
import { statusCommand } from "./commands/status.ts";
import { startCommand } from "./commands/start.ts";
import { runCommand } from "./commands/run.ts";
import { replayCommand } from "./commands/replay.ts";
import { doctorCommand } from "./commands/doctor.ts";
import { migrateCommand } from "./commands/migrate.ts";

/** The `crm-sync` command tree. Each subcommand lives in `commands/` and registers itself here. */
export function buildProgram(): Command {
  const program = new Command("crm-sync")
    .description("Keep backoffice.customers in step with the Qashier portal's customer export.")
    .version("0.0.0")
    .showHelpAfterError()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  program.addCommand(startCommand());
  program.addCommand(runCommand());
  program.addCommand(replayCommand());
  program.addCommand(doctorCommand());
  program.addCommand(migrateCommand());
  program.addCommand(loadCommand());
  program.addCommand(scrapeCommand());
  program.addCommand(triggerCommand());
  program.addCommand(statusCommand());
  return program;
}
