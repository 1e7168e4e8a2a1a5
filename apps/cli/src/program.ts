import { Command } from "commander";

/** The `crm-sync` command tree. Each subcommand lives in `commands/` and registers itself here. */
export function buildProgram(): Command {
  const program = new Command("crm-sync")
    .description("Keep backoffice.customers in step with the Qashier portal's customer export.")
    .version("0.0.0")
    .showHelpAfterError()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  return program;
}
