import { fileURLToPath } from "node:url";
import { z } from "zod";
import { lastJsonLine, measureProcess } from "../lib/measure.ts";
import { repeat, summarizeBy, type RepeatPlan } from "../lib/repeat.ts";
import type { ScrapeEntry } from "../lib/results.ts";

const SCRAPE_BENCH = fileURLToPath(new URL("../../services/scraper/bench/request-to-csv-ready.ts", import.meta.url));

const ScrapeOutput = z.object({ customers: z.number().int(), ms: z.number().nonnegative(), bytes: z.number().int(), rows: z.number().int() });

export interface ScrapePlan extends RepeatPlan {
  sizes: readonly number[];
}

/**
 * sync-requested → csv-ready against the fake portal (Chromium launch, login, export, upload),
 * each repetition in a fresh process so every one pays for its own browser launch.
 */
export async function benchScrapes(plan: ScrapePlan, progress: (message: string) => void): Promise<ScrapeEntry[]> {
  const entries: ScrapeEntry[] = [];
  for (const customers of plan.sizes) {
    const { samples, last } = await repeat(plan, async () => {
      const measured = await measureProcess(process.execPath, [SCRAPE_BENCH, String(customers)]);
      if (measured.exitCode !== 0) throw new Error(`the scrape bench exited with ${measured.exitCode}:\n${measured.stderr.trim().split("\n").slice(-5).join("\n")}`);
      return ScrapeOutput.parse(lastJsonLine(measured));
    });
    const ms = summarizeBy(samples, (s) => s.ms);
    progress(`scrape ${customers} customers: median ${(ms.median / 1000).toFixed(2)} s`);
    entries.push({ status: "measured", customers, ms, rows: last.rows, bytes: last.bytes });
  }
  return entries;
}
