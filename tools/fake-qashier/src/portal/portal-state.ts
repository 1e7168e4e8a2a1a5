import { applyPatch, portalConfig, type PortalConfig, type PortalConfigPatch, type PortalOptions } from "./portal-config.ts";
import { createSessionStore, type SessionStore } from "./sessions.ts";
import type { DownloadMode, Variant } from "./variants.ts";

/** The live portal: tests change it mid-run to break (or heal) the portal under a running scraper. */
export interface PortalState {
  readonly config: PortalConfig;
  readonly sessions: SessionStore;
  update(patch: PortalConfigPatch): PortalConfig;
  setVariant(variant: Variant): void;
  setPassword(password: string): void;
  setCustomers(customers: { seed?: number; count?: number }): void;
  setSessionTtl(ttlMs: number): void;
  setDownloadMode(mode: DownloadMode): void;
  /** Successful logins so far; lets a test tell a reused session from a fresh login. */
  readonly logins: number;
  recordLogin(): void;
}

export function createPortalState(options: PortalOptions): PortalState {
  let config = portalConfig(options);
  let logins = 0;
  const sessions = createSessionStore();
  const update = (patch: PortalConfigPatch) => {
    const next = applyPatch(config, patch);
    if (next.username !== config.username || next.password !== config.password) sessions.endAll();
    return (config = next);
  };
  return {
    get config() {
      return config;
    },
    sessions,
    update,
    setVariant: (variant) => void update({ variant }),
    setPassword: (password) => void update({ password }),
    setCustomers: ({ seed, count }) => void update({ ...(seed === undefined ? {} : { seed }), ...(count === undefined ? {} : { count }) }),
    setSessionTtl: (sessionTtlMs) => void update({ sessionTtlMs }),
    setDownloadMode: (downloadMode) => void update({ downloadMode }),
    get logins() {
      return logins;
    },
    recordLogin: () => void logins++,
  };
}
