import { listen } from "@crm-sync/server";
import type { Logger } from "@crm-sync/logging";
import { createFakePortal } from "./create-fake-portal.ts";
import type { PortalOptions } from "./portal-config.ts";
import { createPortalState, type PortalState } from "./portal-state.ts";

export interface RunningFakePortal {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  state: PortalState;
  stop(): Promise<void>;
}

export interface StartFakePortalOptions extends PortalOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  logger?: Logger;
}

export async function startFakePortal(options: StartFakePortalOptions): Promise<RunningFakePortal> {
  const state = createPortalState(options);
  const app = createFakePortal(options, { state, ...(options.logger === undefined ? {} : { logger: options.logger }) });
  const running = await listen(app, options.port ?? 0, options.host ?? "127.0.0.1");
  return {
    url: running.url,
    port: running.port,
    state,
    // Slow-variant requests may still be waiting; a fake has nothing worth draining.
    stop: () => running.close(100),
  };
}
