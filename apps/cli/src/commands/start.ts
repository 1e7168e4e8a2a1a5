import { Command, InvalidArgumentError } from "commander";

interface StartOptions {
  port: number;
  customers: number;
  portalUrl?: string;
  initialSync: boolean;
}

export function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) throw new InvalidArgumentError("must be a port number");
  return parsed;
}

export function count(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError("must be a whole number");
  return parsed;
}

/** `crm-sync start`: the whole system in one process (what `npm start` runs). */
export function startCommand(): Command {
  return new Command("start")
    .description("Run all four services and a demo portal in one process (in-memory bus, PGlite, files) and serve the dashboard")
    .option("--port <port>", "dashboard and API port", port, Number(process.env["PORT"] ?? 8080))
    .option("--customers <n>", "customers in the demo portal", count, 1_000)
    .option("--portal-url <url>", "use this portal instead of the demo (credentials from QASHIER_USERNAME / QASHIER_PASSWORD)")
    .option("--no-initial-sync", "do not start a sync on start-up")
    .action(async (options: StartOptions) => {
      // Loaded here so `crm-sync --help` and the light commands stay fast.
      const { runStart } = await import("../embedded/run-start.ts");
      await runStart(options);
    });
}
