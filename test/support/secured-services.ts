import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Express } from "express";
import { FileBlobStore, type BlobStore } from "@crm-sync/blob";
import { createOidcVerifier, InMemoryBus, type EventBus } from "@crm-sync/bus";
import { migrate, openDatabase, type Database } from "@crm-sync/db";
import { SyncError } from "@crm-sync/errors";
import type { Logger } from "@crm-sync/logging";
import { createApp as createLoaderApp, createLoader, type GuardLimits, type Loader } from "@crm-sync/loader";
import { createEmlOutboxMailer, createNotifier, type Mailer, type Notifier, type WebhookChatOptions } from "@crm-sync/notifier";
import { createApp as createScraperApp, createScraper, type CustomerExportSource, type Scraper } from "@crm-sync/scraper";
import { listen, type RunningServer } from "@crm-sync/server";
import { createTrigger, type Trigger } from "@crm-sync/trigger";
import { certsOf, generateSigningKey, type SigningKey } from "./id-tokens.ts";
import { createLogCapture, type LogCapture } from "./log-capture.ts";

export type ServiceName = "trigger" | "scraper" | "loader" | "notifier";
export const SERVICE_NAMES: readonly ServiceName[] = ["trigger", "scraper", "loader", "notifier"];

/** Synthetic credentials; each is distinctive so a leak into a log line or email is easy to find. */
export const CREDENTIALS = {
  /** Approver tokens (two, as during a rotation): these suites may do anything. */
  apiToken: "api-token-Vq81-secret-DO-NOT-LOG-7f3e9a",
  rotatedApiToken: "api-token-Rk55-secret-DO-NOT-LOG-2b8c41",
  operatorToken: "api-token-Op27-secret-DO-NOT-LOG-93d1e0",
  viewerToken: "api-token-Vw64-secret-DO-NOT-LOG-5a0f72",
  /** The account Cloud Scheduler's HTTP jobs sign their OIDC tokens as (sweep, staleness check). */
  schedulerServiceAccount: "crm-sync-scheduler@crm-sync-test.iam.gserviceaccount.com",
  /** The service account Pub/Sub signs push tokens as. */
  pushServiceAccount: "pubsub-push@crm-sync-test.iam.gserviceaccount.com",
  /** A caller of the trigger API with a Google ID token (the Vercel app): operator. */
  apiServiceAccount: "vercel-dashboard@crm-sync-test.iam.gserviceaccount.com",
  viewerServiceAccount: "status-board@crm-sync-test.iam.gserviceaccount.com",
  approverServiceAccount: "oncall-approver@crm-sync-test.iam.gserviceaccount.com",
  apiAudience: "https://trigger.crm-sync-test.example.test",
} as const;

/** Each service checks push tokens for its own audience, as Cloud Run push subscriptions are set up. */
export const pushAudience = (service: ServiceName) => `https://${service}.crm-sync-test.example.test/pubsub`;

/** Each Scheduler job's `--oidc-token-audience` is its service's URL. */
export const schedulerAudience = (service: ServiceName) => `https://${service}.crm-sync-test.example.test`;

/** A portal that must never be reached: a security test that gets this far has let a request through. */
export function unreachablePortal(): CustomerExportSource & { calls: number } {
  const portal = {
    calls: 0,
    async exportCustomers(): Promise<never> {
      portal.calls += 1;
      throw new SyncError("PORTAL_UNAVAILABLE", "The test portal is not reachable.");
    },
    async close() {},
  };
  return portal;
}

export interface SecuredServicesOptions {
  db: Database;
  bus: EventBus;
  blobs: BlobStore;
  logger: (service: ServiceName) => Logger;
  mailer: Mailer;
  /** The notifier's chat alert channel (a local webhook receiver); none otherwise. */
  chat?: WebhookChatOptions;
  portal: CustomerExportSource;
  maxDeliveryAttempts?: number;
  /** The loader's guard limits (its defaults otherwise). */
  limits?: GuardLimits;
}

export interface RunningService {
  app: Express;
  url: string;
}

export interface SecuredServices extends Record<ServiceName, RunningService> {
  trigger: RunningService & { trigger: Trigger };
  scraper: RunningService & { scraper: Scraper };
  loader: RunningService & { loader: Loader };
  notifier: RunningService & { notifier: Notifier };
  /** Google's ID-token signing key (push and Scheduler tokens), as far as these services know. */
  pushKey: SigningKey;
  /** The key behind ID tokens of API callers (a separate key set, as for any Google ID token). */
  apiKey: SigningKey;
  close(): Promise<void>;
}

/**
 * The four services as Cloud Run runs them (push mode, OIDC on, API tokens set), built from
 * their factories in this process, each on its own port. The database, bus and blob store are
 * the caller's.
 */
export async function startSecuredServices(options: SecuredServicesOptions): Promise<SecuredServices> {
  const pushKey = generateSigningKey();
  const apiKey = generateSigningKey();
  const pushVerifier = (service: ServiceName) =>
    createOidcVerifier({ enabled: true, audience: pushAudience(service), serviceAccountEmail: CREDENTIALS.pushServiceAccount, certs: certsOf(pushKey) });
  // Scheduler's tokens are Google ID tokens like Pub/Sub's: the same (Google's) signing keys.
  const schedulerVerifier = (service: ServiceName) =>
    createOidcVerifier({ enabled: true, audience: schedulerAudience(service), serviceAccountEmail: CREDENTIALS.schedulerServiceAccount, certs: certsOf(pushKey) });
  const attempts = options.maxDeliveryAttempts === undefined ? {} : { maxDeliveryAttempts: options.maxDeliveryAttempts };

  const trigger = createTrigger({
    db: options.db,
    bus: options.bus,
    blobs: options.blobs,
    logger: options.logger("trigger"),
    auth: {
      apiTokens: [
        { name: "security-approver", role: "approver", token: CREDENTIALS.apiToken },
        { name: "security-approver-rotated", role: "approver", token: CREDENTIALS.rotatedApiToken },
        { name: "security-operator", role: "operator", token: CREDENTIALS.operatorToken },
        { name: "security-viewer", role: "viewer", token: CREDENTIALS.viewerToken },
      ],
      oidc: {
        audience: CREDENTIALS.apiAudience,
        serviceAccounts: [
          { email: CREDENTIALS.apiServiceAccount, role: "operator" },
          { email: CREDENTIALS.viewerServiceAccount, role: "viewer" },
          { email: CREDENTIALS.approverServiceAccount, role: "approver" },
        ],
        getCerts: async () => certsOf(apiKey),
      },
    },
    push: { verifier: pushVerifier("trigger") },
    scheduler: { verifier: schedulerVerifier("trigger") },
    ssePollMs: 200,
  });
  const scraper = createScraper({ bus: options.bus, blobs: options.blobs, portal: options.portal, logger: options.logger("scraper"), ...attempts });
  const loader = createLoader({
    db: options.db,
    bus: options.bus,
    blobs: options.blobs,
    logger: options.logger("loader"),
    ...attempts,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
  const notifier = createNotifier({
    db: options.db,
    // Subscribes only if start() is called (embedded wiring); push endpoints serve either way.
    bus: options.bus,
    mailer: options.mailer,
    ...(options.chat === undefined ? {} : { chat: options.chat }),
    logger: options.logger("notifier"),
    links: { dashboardUrl: "https://crm-sync-test.example.test/", traceUrlTemplate: null },
    push: { verifier: pushVerifier("notifier") },
    scheduler: { verifier: schedulerVerifier("notifier") },
    staleCheckIntervalMs: null,
  });

  const apps = {
    trigger: trigger.app,
    scraper: createScraperApp({ logger: options.logger("scraper"), scraper, push: { verifier: pushVerifier("scraper") } }),
    loader: createLoaderApp({ logger: options.logger("loader"), loader, db: options.db, push: { verifier: pushVerifier("loader") } }),
    notifier: notifier.app,
  };
  const servers: RunningServer[] = [];
  const started = {} as Record<ServiceName, RunningService>;
  for (const name of SERVICE_NAMES) {
    const server = await listen(apps[name], 0);
    servers.push(server);
    started[name] = { app: apps[name], url: server.url };
  }
  return {
    trigger: { ...started.trigger, trigger },
    scraper: { ...started.scraper, scraper },
    loader: { ...started.loader, loader },
    notifier: { ...started.notifier, notifier },
    pushKey,
    apiKey,
    async close() {
      await Promise.all(servers.map((server) => server.close(500)));
      await trigger.close();
      await scraper.close();
      await loader.close();
      await notifier.stop();
    },
  };
}

export interface SecuredStack {
  services: SecuredServices;
  db: Database;
  bus: InMemoryBus;
  blobs: FileBlobStore;
  /** Where the notifier's alert emails land (.eml files). */
  outboxDir: string;
  logs: LogCapture;
  portal: ReturnType<typeof unreachablePortal>;
  close(): Promise<void>;
}

/**
 * The secured services on a migrated in-memory database, an in-memory bus, a file blob store
 * and an .eml outbox, all in a temporary folder, logging into a capture. The portal is
 * unreachable: these suites never get as far as scraping.
 */
export async function startSecuredStack(options: { databaseUrl?: string; maxDeliveryAttempts?: number } = {}): Promise<SecuredStack> {
  const dir = await mkdtemp(join(tmpdir(), "crm-sync-security-"));
  const logs = createLogCapture();
  const db = await openDatabase(options.databaseUrl ?? "pglite://memory", { logger: logs.logger("db") });
  await migrate(db);
  const bus = new InMemoryBus({ logger: logs.logger("bus"), backoff: { minMs: 5, maxMs: 20 } });
  const blobs = new FileBlobStore({ root: join(dir, "blobs"), bucket: "crm-exports-test" });
  const outboxDir = join(dir, "outbox");
  const portal = unreachablePortal();
  const services = await startSecuredServices({
    db,
    bus,
    blobs,
    logger: (service) => logs.logger(service),
    mailer: createEmlOutboxMailer({ dir: outboxDir, from: "crm-sync@example.test", to: "oncall@example.test" }),
    portal,
    ...(options.maxDeliveryAttempts === undefined ? {} : { maxDeliveryAttempts: options.maxDeliveryAttempts }),
  });
  return {
    services,
    db,
    bus,
    blobs,
    outboxDir,
    logs,
    portal,
    async close() {
      await services.close();
      await bus.close();
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
