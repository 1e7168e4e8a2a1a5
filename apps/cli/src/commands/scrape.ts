import { Command, InvalidArgumentError } from "commander";
import { SyncError } from "@crm-sync/errors";
import { createLogger } from "@crm-sync/logging";

interface ScrapeOptions {
  portalUrl: string;
  out: string;
  json?: boolean;
  elementTimeoutMs: number;
  downloadTimeoutMs: number;
}

function milliseconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 100) throw new InvalidArgumentError("must be a whole number of milliseconds, at least 100");
  return parsed;
}

function portalUrl(value: string): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) throw new InvalidArgumentError("must be an http(s) URL");
  return value;
}

/** `crm-sync scrape`: only the browser export, proven complete, into a local file. */
export function scrapeCommand(): Command {
  return new Command("scrape")
    .description(
      "Export the customer list from the Qashier portal into a file (credentials from QASHIER_USERNAME / QASHIER_PASSWORD); " +
        "prints { rows, sha256, bytes, durationMs } as JSON",
    )
    .requiredOption("--portal-url <url>", "the portal's base URL", portalUrl)
    .requiredOption("--out <file>", "where to write the CSV")
    .option("--json", "on failure, also print the error as JSON on stdout")
    .option("--element-timeout-ms <ms>", "longest wait for one control once the page has loaded", milliseconds, 15_000)
    .option("--download-timeout-ms <ms>", "longest wait from Confirm until the file is complete", milliseconds, 300_000)
    .action(async (options: ScrapeOptions) => {
      const result = await runScrape(options);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}

async function runScrape(options: ScrapeOptions) {
  const username = process.env["QASHIER_USERNAME"];
  const password = process.env["QASHIER_PASSWORD"];
  if (username === undefined || username === "" || password === undefined || password === "") {
    throw new SyncError("PORTAL_AUTH_FAILED", "Set QASHIER_USERNAME and QASHIER_PASSWORD to the portal login.");
  }
  const logger = createLogger({ service: "cli", level: "warn", destination: process.stderr });
  // Loaded on use: Playwright is heavy, and only this command needs it.
  const { scrapeToFile } = await import("@crm-sync/scraper");
  return await scrapeToFile({
    portalUrl: options.portalUrl,
    username,
    password,
    out: options.out,
    chromiumPath: process.env["CHROMIUM_PATH"] || undefined,
    deadlines: { elementMs: options.elementTimeoutMs, navigationMs: Math.max(options.elementTimeoutMs, 30_000), downloadMs: options.downloadTimeoutMs },
    logger,
  });
}
