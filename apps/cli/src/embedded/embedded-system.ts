import pino from "pino";
import { FileBlobStore } from "@crm-sync/blob/local";
import { InMemoryBus } from "@crm-sync/bus/local";
import { migrate, openDatabase } from "@crm-sync/db";
import { startFakePortal, type RunningFakePortal } from "@crm-sync/fake-qashier";
import { createLoader } from "@crm-sync/loader";
import { createLogger, type Logger } from "@crm-sync/logging";
import { createEmlOutboxMailer, createNotifier } from "@crm-sync/notifier";
import { createScraper, QashierPortal } from "@crm-sync/scraper";
import { listen } from "@crm-sync/server";
import { createTrigger, type ApiToken, type Trigger } from "@crm-sync/trigger";
import { createTriggerClient, type TriggerClient } from "@crm-sync/trigger-client";
import type { EmbeddedHome } from "./embedded-home.ts";

export interface PortalAccess {
  url: string;
  username: string;
  password: string;
}

export interface EmbeddedOptions {
  home: EmbeddedHome;
  /** Dashboard and API port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** A real (or separately run) portal; without it a demo portal with synthetic customers starts in-process. */
  portal?: PortalAccess;
  /** Customers in the demo portal (default 1,000, about the club's size today). */
  demoCustomers?: number;
  logLevel?: "debug" | "info" | "warn" | "error";
  chromiumPath?: string;
}

export interface EmbeddedSystem {
  dashboardUrl: string;
  apiUrl: string;
  apiToken: string;
  portalUrl: string;
  /** The demo portal, when one was started (tests change its customers or break its password). */
  demoPortal: RunningFakePortal | undefined;
  trigger: Trigger;
  client: TriggerClient;
  stop(): Promise<void>;
}

const DEMO_SEED = 20_261_126;
/** A local install has one user, who owns everything: the generated token is an approver, named for the runs it starts. */
const localToken = (token: string): ApiToken => ({ name: "crm-sync-local", role: "approver", token });
const STAGE_DEADLINES = { elementMs: 15_000, navigationMs: 30_000, downloadMs: 300_000 };

/**
 * All four services and (by default) a demo portal in one process: in-memory bus, exports as
 * files, PGlite, emails as `.eml` files. The same factories the deployed services use, so a
 * sync here takes the same path as in the cloud; only the adapters differ.
 */
export async function startEmbeddedSystem(options: EmbeddedOptions): Promise<EmbeddedSystem> {
  const { home } = options;
  // Logs go to a file: the terminal is for the person who started it.
  const destination = pino.destination({ dest: home.logFile, mkdir: true, sync: false });
  const loggerFor = (service: string): Logger => createLogger({ service, level: options.logLevel ?? "info", destination });
  const stops: Array<() => Promise<void>> = [];
  // Every part is stopped even when one fails, so Ctrl-C never leaves a browser or database open.
  const stop = async () => {
    const failures: unknown[] = [];
    for (const task of stops.splice(0).reverse()) await task().catch((error: unknown) => failures.push(error));
    destination.flushSync();
    if (failures.length > 0) throw new AggregateError(failures, "some parts did not stop cleanly");
  };
  // Released last, once nothing holds the database any more.
  stops.push(() => home.release());
  try {
    const demoPortal =
      options.portal === undefined
        ? await startFakePortal({ ...home.portal, customers: { seed: DEMO_SEED, count: options.demoCustomers ?? 1_000 }, logger: loggerFor("fake-qashier") })
        : undefined;
    if (demoPortal !== undefined) stops.push(() => demoPortal.stop());
    const portalAccess = options.portal ?? { url: demoPortal?.url ?? "", ...home.portal };

    const db = await openDatabase(home.databaseUrl, { logger: loggerFor("db") });
    stops.push(() => db.close());
    await migrate(db, { logger: loggerFor("db") });

    const bus = new InMemoryBus({ logger: loggerFor("bus") });
    stops.push(() => bus.close());
    const blobs = new FileBlobStore({ root: home.blobRoot, bucket: "crm-sync-exports" });

    const trigger = createTrigger({ db, bus, blobs, logger: loggerFor("trigger"), auth: { apiTokens: [localToken(home.apiToken)] } });
    stops.push(() => trigger.close());
    await trigger.subscribe();
    trigger.startSweeper(30_000);
    const server = await listen(trigger.app, options.port, "127.0.0.1");
    stops.push(() => server.close());
    const dashboardUrl = `${server.url}/`;

    const scraperLogger = loggerFor("scraper");
    const portal = new QashierPortal({ ...portalAccess, chromiumPath: options.chromiumPath, deadlines: STAGE_DEADLINES, logger: scraperLogger });
    const scraper = createScraper({ bus, blobs, portal, logger: scraperLogger });
    stops.push(() => scraper.close());
    await scraper.subscribe();

    const loader = createLoader({ db, bus, blobs, logger: loggerFor("loader") });
    stops.push(() => loader.close());
    await loader.subscribe();

    const mailer = createEmlOutboxMailer({ dir: home.outboxDir, to: "office@club.invalid", from: "crm-sync@localhost.invalid" });
    const notifier = createNotifier({
      db,
      mailer,
      bus,
      logger: loggerFor("notifier"),
      links: { dashboardUrl, traceUrlTemplate: null },
      staleCheckIntervalMs: 15 * 60_000,
    });
    stops.push(() => notifier.stop());
    await notifier.start();

    return {
      dashboardUrl,
      apiUrl: server.url,
      apiToken: home.apiToken,
      portalUrl: portalAccess.url,
      demoPortal,
      trigger,
      client: createTriggerClient({ baseUrl: server.url, token: home.apiToken }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
