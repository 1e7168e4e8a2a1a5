import { copyFile } from "node:fs/promises";
import type { Logger } from "@crm-sync/logging";
import { PortalFailure } from "./portal/portal-export.ts";
import { QashierPortal, type PortalDeadlines } from "./portal/qashier-portal.ts";

export interface ScrapeToFileOptions {
  portalUrl: string;
  username: string;
  password: string;
  out: string;
  chromiumPath?: string | undefined;
  deadlines: PortalDeadlines;
  logger: Logger;
  runId?: string;
}

export interface ScrapeResult {
  rows: number;
  sha256: string;
  bytes: number;
  durationMs: number;
  portalTotal?: number;
}

/** One export to a local file, no bus and no blob store: `crm-sync scrape`. */
export async function scrapeToFile(options: ScrapeToFileOptions): Promise<ScrapeResult> {
  const started = Date.now();
  const portal = new QashierPortal({
    url: options.portalUrl,
    username: options.username,
    password: options.password,
    chromiumPath: options.chromiumPath,
    deadlines: options.deadlines,
    logger: options.logger,
  });
  try {
    const exported = await portal.exportCustomers({ runId: options.runId ?? `cli-${started}` });
    try {
      await copyFile(exported.path, options.out);
    } finally {
      await exported.cleanup();
    }
    return {
      rows: exported.rows,
      sha256: exported.sha256,
      bytes: exported.bytes,
      durationMs: Date.now() - started,
      ...(exported.portalTotal === undefined ? {} : { portalTotal: exported.portalTotal }),
    };
  } catch (error) {
    // Nowhere to upload evidence from the command line: drop the temporary files.
    if (error instanceof PortalFailure) await error.cleanup();
    throw error;
  } finally {
    await portal.close();
  }
}
