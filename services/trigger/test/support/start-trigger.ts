import { InMemoryBus, type EventBus } from "@crm-sync/bus";
import { migrate, openDatabase, type Database } from "@crm-sync/db";
import { createLogger } from "@crm-sync/logging";
import { listen, type RunningServer } from "@crm-sync/server";
import { createTrigger, type Trigger, type TriggerDeps } from "../../src/app.ts";

import type { ApiToken } from "../../src/auth/roles.ts";

/** Approver tokens (a test may do anything), under the names runs record as `requestedBy`. */
export const API_TOKEN = "test-token-for-the-trigger-api-0001";
export const ROTATED_TOKEN = "test-token-for-the-trigger-api-0002";
export const OPERATOR_TOKEN = "test-token-for-the-trigger-operator-01";
export const VIEWER_TOKEN = "test-token-for-the-trigger-viewer-0001";
export const TEST_TOKENS: readonly ApiToken[] = [
  { name: "test-approver", role: "approver", token: API_TOKEN },
  { name: "test-approver-rotated", role: "approver", token: ROTATED_TOKEN },
  { name: "test-operator", role: "operator", token: OPERATOR_TOKEN },
  { name: "test-viewer", role: "viewer", token: VIEWER_TOKEN },
];

export interface RunningTrigger {
  trigger: Trigger;
  db: Database;
  bus: EventBus;
  server: RunningServer;
  url: string;
  /** Waits until the in-memory bus has delivered everything (no-op for other buses). */
  drain(): Promise<void>;
  /** fetch against the trigger with the API token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface StartOptions extends Partial<Omit<TriggerDeps, "db" | "bus" | "logger">> {
  databaseUrl?: string;
  bus?: EventBus;
  /** Subscribe the ledger to the bus (pull mode). Default true. */
  subscribe?: boolean;
}

/** A trigger on a fresh, migrated database (PGlite in memory unless a URL is given), on port 0. */
export async function startTrigger(options: StartOptions = {}): Promise<RunningTrigger> {
  const logger = createLogger({ service: "trigger-test", level: "silent" });
  const db = await openDatabase(options.databaseUrl ?? "pglite://memory");
  await migrate(db);
  const bus = options.bus ?? new InMemoryBus({ logger, backoff: { minMs: 5, maxMs: 20 } });
  const { databaseUrl: _url, bus: _bus, subscribe = true, ...rest } = options;
  const trigger = createTrigger({ auth: { apiTokens: TEST_TOKENS }, ssePollMs: 200, ...rest, db, bus, logger });
  if (subscribe) await trigger.subscribe();
  const server = await listen(trigger.app, 0);
  return {
    trigger,
    db,
    bus,
    server,
    url: server.url,
    drain: () => (bus instanceof InMemoryBus ? bus.drain() : Promise.resolve()),
    api: (path, init = {}) =>
      fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${API_TOKEN}`, "content-type": "application/json", ...(init.headers ?? {}) } }),
    async close() {
      await server.close(500);
      await trigger.close();
      await bus.close();
      await db.close();
    },
  };
}
