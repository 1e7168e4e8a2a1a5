import { Command } from "commander";
import { createLogger } from "@crm-sync/logging";

interface MigrateOptions {
  databaseUrl: string;
}

/** `crm-sync migrate`: applies the pending migrations (the services do it at start-up unless MIGRATE_ON_START=false); prints their names as JSON. */
export function migrateCommand(): Command {
  return new Command("migrate")
    .description("Apply pending migrations from supabase/migrations (advisory lock; files supabase db push applied are recorded, not run again)")
    .requiredOption("--database-url <url>", "postgres://… or pglite://<dir> (default: DATABASE_URL)", process.env["DATABASE_URL"])
    .option("--json", "on failure, also print the error as JSON on stdout")
    .action(async (options: MigrateOptions) => {
      const { migrate, openDatabase } = await import("@crm-sync/db");
      const logger = createLogger({ service: "cli", level: "warn", destination: process.stderr });
      const db = await openDatabase(options.databaseUrl, { logger, max: 1 });
      try {
        const applied = await migrate(db, { logger });
        process.stdout.write(`${JSON.stringify({ applied })}\n`);
      } finally {
        await db.close();
      }
    });
}
